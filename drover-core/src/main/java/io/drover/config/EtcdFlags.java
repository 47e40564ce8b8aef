package io.drover.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flags each supported etcd minor version knows, as its help text lists them (resources
 * {@code etcd-flags-3.N.txt}), so that a misspelt flag fails {@code drover validate} instead of the boot of every
 * member. When the version is not known (etcd from the image itself), a flag known to any of them is accepted.
 */
final class EtcdFlags {
    static final List<String> VERSIONS = List.of("3.4", "3.5", "3.6");
    /** The tag of an etcd image, e.g. {@code quay.io/coreos/etcd:v3.5.17} or {@code gcr.io/etcd-development/etcd:v3.6.0-rc.1}. */
    private static final Pattern TAG_VERSION = Pattern.compile(":v?(\\d+)\\.(\\d+)(?:\\.\\d+)?(?:[-+][^:/]*)?$");

    static final EtcdFlags SUPPORTED = load();

    private final Map<String, Set<String>> byVersion;
    private final Set<String> any;

    private EtcdFlags(Map<String, Set<String>> byVersion) {
        this.byVersion = Map.copyOf(byVersion);
        TreeSet<String> union = new TreeSet<>();
        byVersion.values().forEach(union::addAll);
        this.any = java.util.Collections.unmodifiableSet(union);
    }

    private static EtcdFlags load() {
        Map<String, Set<String>> byVersion = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            String resource = "etcd-flags-" + version + ".txt";
            try (InputStream in = EtcdFlags.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + resource + " is missing from the build");
                }
                Set<String> flags = new TreeSet<>();
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .forEach(flags::add);
                byVersion.put(version, java.util.Collections.unmodifiableSet(flags));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new EtcdFlags(byVersion);
    }

    /** The minor version of a supported etcd image, e.g. {@code 3.5}; {@code null} when unknown or unsupported. */
    static String versionOf(String image) {
        if (image == null) {
            return null;
        }
        Matcher m = TAG_VERSION.matcher(image);
        String version = m.find() ? m.group(1) + "." + m.group(2) : null;
        return VERSIONS.contains(version) ? version : null;
    }

    /** The flags of {@code version}, or of any supported version when it is {@code null}; sorted. */
    Set<String> known(String version) {
        return version == null ? any : byVersion.get(version);
    }

    /** The supported versions that know {@code flag}, e.g. {@code [3.6]}. */
    List<String> versionsKnowing(String flag) {
        return VERSIONS.stream().filter(v -> byVersion.get(v).contains(flag)).toList();
    }
}
