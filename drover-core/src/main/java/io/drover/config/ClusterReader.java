package io.drover.config;

import io.drover.config.References.ClusterRef;
import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlMap;
import io.drover.render.FirstBoot;
import io.drover.spi.ProviderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the clusters of a herd file: size and role rules, etcd options, health check, provider options and
 * first-boot config, and the dependencies between clusters (declared, or implied by references).
 *
 * <p>Sub-blocks with rules of their own have readers of their own: {@link FirstBootReader}, {@link ImageReader},
 * {@link HealthCheckReader}, {@link LoadBalancerReader}, {@link BackupReader}.
 */
final class ClusterReader {
    static final Pattern CLUSTER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    static final Pattern ETCD_FLAG_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /**
     * Flags Drover derives from the cluster itself; a user value would break membership management
     * ({@code config-file} would make etcd ignore every flag).
     */
    static final Set<String> RESERVED_ETCD_FLAGS = Set.of(
            "name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
            "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-state", "initial-cluster-token", "config-file");
    /** Flags Drover sets for mutual TLS with the herd's own CA when {@code tls} is on. */
    static final Set<String> TLS_ETCD_FLAGS = Set.of(
            "cert-file", "key-file", "trusted-ca-file", "client-cert-auth", "auto-tls",
            "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-client-cert-auth", "peer-auto-tls");

    private final Path directory;
    private final HerdSource.LocalFiles localFiles;
    private final List<String> lines;
    private final References references;
    /** The herd's providers by name; a factory is null when its type is unknown (reported elsewhere). */
    private final Map<String, ProviderFactory> factories;
    /** The provider a cluster runs on when it does not say: the herd's only one, or null when it has several. */
    private final String defaultProvider;
    private final Problems problems;
    /** The names under {@code images:}. */
    private final Set<String> images;
    /** Cluster name to the clusters it depends on, with where each dependency was written. */
    private final Map<String, List<ClusterRef>> dependencies = new LinkedHashMap<>();
    /** Reads {@code loadBalancer:} blocks; one for the whole file, as it checks ports across clusters. */
    private final LoadBalancerReader loadBalancers;

    /**
     * @param directory the herd file's directory ({@code contents.local} paths are relative to it)
     * @param factories the herd's providers by name (a null factory: unknown type, its cluster options are not checked)
     * @param defaultProvider the provider of clusters that do not name one: the only one, or null when there are several
     */
    ClusterReader(Path directory, HerdSource.LocalFiles localFiles, List<String> lines, References references,
            Map<String, ProviderFactory> factories, String defaultProvider, Problems problems, Set<String> images) {
        this.images = images;
        this.directory = directory;
        this.localFiles = localFiles;
        this.lines = lines;
        this.references = references;
        this.factories = factories;
        this.defaultProvider = defaultProvider;
        this.problems = problems;
        this.loadBalancers = new LoadBalancerReader(problems, factories.keySet());
    }

    /** The dependencies of every cluster read so far, in declared order. */
    Map<String, List<ClusterRef>> dependencies() {
        return java.util.Collections.unmodifiableMap(dependencies);
    }

    /** Reads one entry of {@code clusters:}; {@code null} when it has problems. */
    Cluster read(Entry entry) {
        String name = entry.key();
        if (!CLUSTER_NAME.matcher(name).matches()) {
            problems.add(entry.keyPosition(), "bad cluster name '" + Problems.shown(name) + "'",
                    "use 1 to 30 lowercase letters, digits and '-', starting with a letter, e.g. web");
        }
        MapReader c = MapReader.of(entry, "cluster '" + name + "'", Shape.Herd.CLUSTER, problems);
        if (c == null) {
            return null;
        }
        Role role = role(c);
        Long size = c.integer("size", 1, 1000, true);
        if (size != null && role == Role.ETCD) {
            SourcePosition at = c.entry("size").value().position();
            if (size > 9) {
                problems.add(at, "an etcd cluster can have at most 9 members, got " + size, "use 3 or 5 (7 at most for large clusters)");
            } else if (size % 2 == 0) {
                problems.add(at, "an etcd cluster needs an odd size, got " + size,
                        "use 3 or 5: an even member count adds no fault tolerance");
            }
        }
        String image = image(c);
        Long maxUnavailable = c.integer("maxUnavailable", 1, Long.MAX_VALUE, false);
        if (maxUnavailable != null && size != null && maxUnavailable > size) {
            problems.add(c.entry("maxUnavailable").value().position(),
                    "maxUnavailable (" + maxUnavailable + ") is larger than size (" + size + ")", "set maxUnavailable to at most " + size);
        }
        Long spares = c.integer("spares", 0, 100, false);
        if (spares != null && spares > 1 && role == Role.ETCD) {
            problems.add(c.entry("spares").value().position(), "an etcd cluster can have at most 1 spare, got " + spares,
                    "use 'spares: 1' (the spare is an etcd learner, and etcd 3.4 allows one learner per cluster) or 0");
        }
        List<ClusterRef> deps = new ArrayList<>(dependsOn(c));
        Boolean antiAffinity = c.bool("antiAffinity");
        Cluster.UserDataFormat userData = Cluster.UserDataFormat.IGNITION;
        String format = c.string("userData");
        if (format != null) {
            switch (format) {
                case "ignition" -> userData = Cluster.UserDataFormat.IGNITION;
                case "cloud-init" -> userData = Cluster.UserDataFormat.CLOUD_INIT;
                default -> problems.add(c.entry("userData").value().position(), "unknown userData format '" + Problems.shown(format) + "'",
                        "use ignition (Flatcar, CoreOS, the local provider) or cloud-init (Debian, Ubuntu cloud images)");
            }
        }
        EtcdOptions etcd = etcd(c, role);
        HealthCheck health = new HealthCheckReader(lines, problems).read(c, role);
        LoadBalancerSpec loadBalancer = loadBalancers.read(c, health, provider(c, entry));
        // Absent, the block is still checked: the provider may require cluster options (flavor, network).
        Entry providerEntry = c.entry("provider");
        String provider = defaultProvider;
        YamlMap options = null;
        SourcePosition providerAt = providerEntry == null ? entry.keyPosition() : providerEntry.keyPosition();
        boolean providerKnown = true;
        if (providerEntry != null && providerEntry.value() instanceof YamlNode.YamlScalar scalar && !scalar.isNull()) {
            provider = scalar.text(); // 'provider: NAME'
            providerAt = scalar.position();
        } else if (providerEntry != null) {
            options = MapReader.asMap(providerEntry.value(), "provider", problems);
            YamlNode.Entry nameEntry = options == null ? null : options.entries().get("name");
            if (nameEntry != null) {
                provider = MapReader.asString(nameEntry.value(), "name", problems);
                providerAt = nameEntry.value().position();
                providerKnown = provider != null;
            }
        }
        if (providerKnown && provider == null) {
            problems.add(providerAt, "cluster '" + name + "' does not say which provider it runs on",
                    "add 'provider: NAME' to the cluster (one of: " + String.join(", ", factories.keySet()) + ")");
            providerKnown = false;
        } else if (providerKnown && !factories.containsKey(provider)) {
            problems.add(providerAt, "cluster '" + name + "' names unknown provider '" + Problems.shown(provider) + "'",
                    Problems.suggest(provider, factories.keySet()) + " (providers: " + String.join(", ", factories.keySet()) + ")");
            providerKnown = false;
        }
        // A provider whose own block has problems (already reported) has no factory: its options are not checked.
        ProviderFactory factory = providerKnown ? factories.get(provider) : null;
        Map<String, Object> providerOptions = Map.of();
        if (factory != null && (providerEntry == null || options != null || providerEntry.value() instanceof YamlNode.YamlScalar)) {
            providerOptions = new SettingsReader(problems).readAndCheck(options,
                    providerEntry == null ? entry.keyPosition() : providerEntry.keyPosition(),
                    "the provider options of cluster '" + name + "'", factory.clusterSettings(), Set.of("name"), factory::validateCluster);
        }
        FirstBoot firstBoot = FirstBoot.EMPTY;
        Entry firstBootEntry = c.entry("firstBoot");
        if (firstBootEntry != null) {
            MapReader fb = MapReader.of(firstBootEntry, "firstBoot", Shape.Herd.FIRST_BOOT, problems);
            if (fb != null) {
                FirstBootReader reader = new FirstBootReader(directory, localFiles, lines, references, problems);
                firstBoot = reader.read(fb);
                deps.addAll(reader.clusterRefs());
            }
        }
        dependencies.put(name, deps);
        if (size == null || image == null || etcd == null || health == null || !providerKnown) {
            return null;
        }
        List<String> dependsOn = deps.stream().map(ClusterRef::cluster).distinct().toList();
        return new Cluster(name, size.intValue(), role, image, maxUnavailable == null ? 1 : maxUnavailable.intValue(), dependsOn,
                etcd, health, firstBoot, providerOptions, antiAffinity == null ? role == Role.ETCD : antiAffinity, entry.keyPosition(),
                userData, provider, loadBalancer, spares == null ? 0 : spares.intValue());
    }

    /** The provider name a cluster's {@code provider:} says, for checks made before the block is read in full. */
    private String provider(MapReader c, Entry entry) {
        Entry providerEntry = c.entry("provider");
        if (providerEntry != null && providerEntry.value() instanceof YamlNode.YamlScalar scalar && !scalar.isNull()) {
            return scalar.text();
        }
        if (providerEntry != null && providerEntry.value() instanceof YamlMap map && map.entries().get("name") != null
                && map.entries().get("name").value() instanceof YamlNode.YamlScalar name) {
            return name.text();
        }
        return defaultProvider;
    }

    /** The image: a provider's reference ({@code host}, a Glance name), or {@code ${images.NAME}} of this file. */
    private String image(MapReader c) {
        String image = c.requiredString("image", "IMAGE");
        if (image == null || !image.contains("${")) {
            return image;
        }
        SourcePosition at = c.entry("image").value().position();
        String name = ImageSpec.referencedName(image);
        if (name == null) {
            problems.add(at, "'" + image + "' is not an image reference",
                    "write ${images.NAME} for an image of this file, or the provider's image name (e.g. host)");
            return null;
        }
        if (!images.contains(name)) {
            problems.add(at, "unknown image '" + name + "' in " + image, ImageReader.imageHint(name, images));
            return null;
        }
        return image;
    }

    private Role role(MapReader c) {
        String role = c.string("role");
        if (role == null) {
            return Role.PLAIN;
        }
        return switch (role) {
            case "plain" -> Role.PLAIN;
            case "etcd" -> Role.ETCD;
            default -> {
                problems.add(c.entry("role").value().position(), "unknown role '" + Problems.shown(role) + "'",
                        Problems.suggest(role, List.of("plain", "etcd")) + " (roles: plain, etcd)");
                yield Role.PLAIN;
            }
        };
    }

    private List<ClusterRef> dependsOn(MapReader c) {
        List<ClusterRef> deps = new ArrayList<>();
        var list = c.list("dependsOn");
        if (list == null) {
            return deps;
        }
        Set<String> known = references.clusters();
        for (YamlNode item : list.items()) {
            String dep = MapReader.asString(item, "dependsOn item", problems);
            if (dep == null) {
                continue;
            }
            if (!known.contains(dep)) {
                problems.add(item.position(), "dependsOn names unknown cluster '" + Problems.shown(dep) + "'",
                        () -> Problems.suggest(dep, known));
            } else {
                deps.add(new ClusterRef(dep, item.position()));
            }
        }
        return deps;
    }

    private EtcdOptions etcd(MapReader c, Role role) {
        Entry entry = c.entry("etcd");
        if (entry == null) {
            return EtcdOptions.DEFAULT;
        }
        if (role != Role.ETCD) {
            problems.add(entry.keyPosition(), "an 'etcd:' block is only allowed in a cluster with role: etcd",
                    "add 'role: etcd' to the cluster, or remove the etcd block");
        }
        MapReader etcd = MapReader.of(entry, "etcd", Shape.Herd.ETCD, problems);
        if (etcd == null) {
            return null;
        }
        Long client = etcd.integer("clientPort", 1, 65535, false);
        Long peer = etcd.integer("peerPort", 1, 65535, false);
        int clientPort = client == null ? EtcdOptions.DEFAULT.clientPort() : client.intValue();
        int peerPort = peer == null ? EtcdOptions.DEFAULT.peerPort() : peer.intValue();
        if (clientPort == peerPort) {
            Entry at = etcd.has("peerPort") ? etcd.entry("peerPort") : etcd.entry("clientPort");
            problems.add(at == null ? entry.keyPosition() : at.value().position(),
                    "clientPort and peerPort must differ, both are " + clientPort, "e.g. clientPort: 2379 and peerPort: 2380");
        }
        Boolean tls = etcd.bool("tls");
        String container = etcd.string("container");
        if (container != null && !container.matches("[a-z0-9][a-z0-9._/:@-]*")) {
            problems.add(etcd.entry("container").value().position(), "'" + Problems.shown(container) + "' is not a container image reference",
                    "e.g. container: quay.io/coreos/etcd:v3.5.17");
            container = null;
        }
        Map<String, String> flags = new LinkedHashMap<>();
        Entry flagsEntry = etcd.entry("flags");
        YamlMap flagMap = flagsEntry == null ? null : MapReader.asMap(flagsEntry.value(), "flags", problems);
        if (flagMap != null) {
            for (Entry flag : flagMap.entries().values()) {
                if (etcdFlag(flag, tls == null || tls, container)) {
                    String value = MapReader.asString(flag.value(), flag.key(), problems);
                    if (value != null) {
                        flags.put(flag.key(), value);
                    }
                }
            }
            new EtcdFlagRules(problems).check(flags, flagMap.entries());
        }
        return new EtcdOptions(clientPort, peerPort, flags, tls == null || tls, container, new BackupReader(directory, problems).read(etcd));
    }

    /** Whether {@code flag} may be set: a flag the etcd in use knows, and not one Drover sets itself. */
    private boolean etcdFlag(Entry flag, boolean tls, String container) {
        String name = flag.key();
        String bare = name.replaceFirst("^-+", "");
        if (RESERVED_ETCD_FLAGS.contains(bare)) {
            problems.add(flag.keyPosition(), "etcd flag '" + name + "' is set by Drover",
                    "remove it: Drover sets name, data dir, URLs and initial cluster for every member");
            return false;
        }
        if (tls && TLS_ETCD_FLAGS.contains(bare)) {
            problems.add(flag.keyPosition(), "etcd flag '" + name + "' is set by Drover when tls is on",
                    "remove it: every member gets certificates from the herd's own CA; set 'tls: false' to manage TLS yourself");
            return false;
        }
        if (!ETCD_FLAG_NAME.matcher(name).matches()) {
            problems.add(flag.keyPosition(), "bad etcd flag name '" + Problems.shown(name) + "'",
                    "write the flag without leading dashes, in lowercase, e.g. heartbeat-interval");
            return false;
        }
        String version = EtcdFlags.versionOf(container);
        if (EtcdFlags.SUPPORTED.known(version).contains(name)) {
            return true;
        }
        List<String> elsewhere = EtcdFlags.SUPPORTED.versionsKnowing(name);
        if (!elsewhere.isEmpty()) {
            problems.add(flag.keyPosition(), "etcd " + version + " (image " + container + ") has no flag '" + name + "'",
                    "it exists in etcd " + String.join(" and ", elsewhere) + ": use an image of that version, or remove the flag");
            return false;
        }
        String suggestion = Problems.suggest(name, EtcdFlags.SUPPORTED.known(version));
        problems.add(flag.keyPosition(), "unknown etcd flag '" + name + "'",
                (suggestion.startsWith("did you mean") ? suggestion + " " : "")
                        + "etcd " + (version == null ? String.join(", ", EtcdFlags.VERSIONS) : version)
                        + " lists its flags in 'etcd --help'; write them without leading dashes");
        return false;
    }
}
