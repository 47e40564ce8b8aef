package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlList;
import io.drover.render.FileEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the herd file's {@code images:} map: what {@code drover bake} builds. Checks everything a build would
 * otherwise only fail on minutes later: the base (a known Debian suite, another image of the file without cycles,
 * an existing directory), package names, file paths and modes, steps and output formats.
 */
final class ImageReader {
    static final Pattern IMAGE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    /** Debian's package name rule (Policy 5.6.1), with an optional {@code =version} or {@code /release}. */
    static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?([=/][A-Za-z0-9.+~:_-]+)?");
    /** Suites with -updates and -security suites beside them. */
    static final List<String> STABLE_SUITES = List.of("bullseye", "bookworm", "trixie");
    /** Suites without them. */
    static final List<String> ROLLING_SUITES = List.of("sid", "unstable", "testing", "forky");
    static final List<String> FORMATS = List.of("rootfs", "qcow2");

    private final Path directory;
    private final HerdSource.LocalFiles localFiles;
    private final List<String> lines;
    private final References references;
    private final Problems problems;

    ImageReader(Path directory, HerdSource.LocalFiles localFiles, List<String> lines, References references, Problems problems) {
        this.directory = directory;
        this.localFiles = localFiles;
        this.lines = lines;
        this.references = references;
        this.problems = problems;
    }

    /** Reads every image; cycles through {@code base:} are problems. */
    Map<String, ImageSpec> read(YamlNode.YamlMap images) {
        Map<String, ImageSpec> result = new LinkedHashMap<>();
        Set<String> names = images.entries().keySet();
        Map<String, Entry> baseEntries = new LinkedHashMap<>();
        for (Entry entry : images.entries().values()) {
            ImageSpec spec = read(entry, names, baseEntries);
            if (spec != null) {
                result.put(spec.name(), spec);
            }
        }
        Set<String> reported = new HashSet<>();
        for (ImageSpec spec : result.values()) {
            String cycle = cycle(spec.name(), result);
            if (cycle != null && baseEntries.containsKey(spec.name()) && reported.add(spec.name())) {
                reported.addAll(List.of(cycle.split(" -> ")));
                problems.add(baseEntries.get(spec.name()).value().position(), "images build on each other in a cycle: " + cycle,
                        "start one of them from a Debian suite, e.g. base: debian:bookworm");
            }
        }
        return result;
    }

    private static String cycle(String start, Map<String, ImageSpec> specs) {
        List<String> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String current = start;
        while (current != null && specs.containsKey(current)) {
            chain.add(current);
            if (!seen.add(current)) {
                return chain.get(0).equals(current) ? String.join(" -> ", chain) : null;
            }
            current = specs.get(current).base() instanceof ImageSpec.Base.Image parent ? parent.name() : null;
        }
        return null;
    }

    private ImageSpec read(Entry entry, Set<String> names, Map<String, Entry> baseEntries) {
        String name = entry.key();
        boolean ok = true;
        if (!IMAGE_NAME.matcher(name).matches()) {
            problems.add(entry.keyPosition(), "bad image name '" + name + "'",
                    "use 1 to 30 lowercase letters, digits and '-', starting with a letter, e.g. etcd");
            ok = false;
        }
        MapReader image = MapReader.of(entry, "image '" + name + "'", Shape.Herd.IMAGE, problems);
        if (image == null) {
            return null;
        }
        ImageSpec.Base base = base(image, name, names);
        if (base instanceof ImageSpec.Base.Image) {
            baseEntries.put(name, image.entry("base"));
        }
        List<String> packages = packages(image);
        List<FileEntry> files = List.of();
        if (image.has("files")) {
            files = new FirstBootReader(directory, localFiles, lines, references, problems, References.Scope.IMAGE).files(image, "files");
        }
        List<String> run = run(image);
        Set<ImageSpec.Format> outputs = outputs(image);
        String mirror = mirror(image, "mirror", ImageSpec.DEFAULT_MIRROR);
        String security = mirror(image, "securityMirror", ImageSpec.DEFAULT_SECURITY_MIRROR);
        if ("none".equals(security)) {
            security = null;
        }
        if (!ok || base == null || packages == null || run == null || outputs == null || mirror == null) {
            return null;
        }
        return new ImageSpec(name, base, packages, files, run, outputs, mirror, security, entry.keyPosition());
    }

    private ImageSpec.Base base(MapReader image, String self, Set<String> names) {
        String base = image.requiredString("base", "debian:bookworm");
        if (base == null) {
            return null;
        }
        SourcePosition at = image.entry("base").value().position();
        if (base.startsWith("debian:")) {
            String suite = base.substring("debian:".length());
            if (STABLE_SUITES.contains(suite) || ROLLING_SUITES.contains(suite)) {
                return new ImageSpec.Base.Debian(suite);
            }
            List<String> suites = new ArrayList<>(STABLE_SUITES);
            suites.addAll(ROLLING_SUITES);
            String hint = Problems.suggest(suite, suites);
            problems.add(at, "unknown Debian suite '" + suite + "' in base '" + base + "'",
                    (hint.startsWith("did you mean") ? hint + " " : "") + "(suites: " + String.join(", ", suites) + ")");
            return null;
        }
        String parent = ImageSpec.referencedName(base);
        if (parent != null) {
            if (parent.equals(self)) {
                problems.add(at, "image '" + self + "' cannot be its own base", "start it from a Debian suite, e.g. base: debian:bookworm");
                return null;
            }
            if (!names.contains(parent)) {
                problems.add(at, "unknown image '" + parent + "' in base " + base, imageHint(parent, names));
                return null;
            }
            return new ImageSpec.Base.Image(parent);
        }
        if (base.contains("${")) {
            problems.add(at, "'" + base + "' is not an image reference", "write ${images.NAME}, debian:SUITE or a directory");
            return null;
        }
        Path dir = directory.resolve(base).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            problems.add(at, "base '" + base + "' is neither debian:SUITE, ${images.NAME} nor an existing directory (looked for " + dir + ")",
                    "e.g. base: debian:bookworm");
            return null;
        }
        return new ImageSpec.Base.Directory(dir);
    }

    /** "did you mean" among the images, or how to declare one. */
    static String imageHint(String wrong, Set<String> names) {
        if (names.isEmpty()) {
            return "declare it under 'images:' (see docs/bake.md)";
        }
        String suggestion = Problems.suggest(wrong, names);
        return suggestion.startsWith("did you mean") ? suggestion : "images declared: " + String.join(", ", names);
    }

    private List<String> packages(MapReader image) {
        YamlList list = image.list("packages");
        if (list == null) {
            return image.has("packages") ? null : List.of();
        }
        List<String> packages = new ArrayList<>();
        boolean ok = true;
        for (YamlNode item : list.items()) {
            String pkg = MapReader.asString(item, "packages item", problems);
            if (pkg == null) {
                ok = false;
            } else if (!PACKAGE.matcher(pkg).matches()) {
                problems.add(item.position(), "'" + pkg + "' is not a Debian package name",
                        "lowercase letters, digits and + - . (at least 2 characters), optionally =VERSION or /SUITE, e.g. etcd-server");
                ok = false;
            } else if (packages.contains(pkg)) {
                problems.add(item.position(), "package '" + pkg + "' is listed twice", "remove one of them");
                ok = false;
            } else {
                packages.add(pkg);
            }
        }
        return ok ? packages : null;
    }

    private List<String> run(MapReader image) {
        YamlList list = image.list("run");
        if (list == null) {
            return image.has("run") ? null : List.of();
        }
        List<String> steps = new ArrayList<>();
        boolean ok = true;
        for (YamlNode item : list.items()) {
            YamlNode.YamlScalar step = MapReader.asScalar(item, "run item", problems);
            if (step == null) {
                ok = false;
            } else if (step.text().isBlank()) {
                problems.add(item.position(), "empty run step", "write a shell command, e.g. - systemctl enable etcd");
                ok = false;
            } else {
                references.check(step.text(), offset -> step.positionOf(offset, lines), References.Scope.IMAGE, "");
                steps.add(step.text());
            }
        }
        return ok ? steps : null;
    }

    private Set<ImageSpec.Format> outputs(MapReader image) {
        YamlList list = image.list("outputs");
        if (list == null) {
            return image.has("outputs") ? null : EnumSet.of(ImageSpec.Format.ROOTFS);
        }
        Set<ImageSpec.Format> formats = EnumSet.noneOf(ImageSpec.Format.class);
        boolean ok = true;
        for (YamlNode item : list.items()) {
            String format = MapReader.asString(item, "outputs item", problems);
            if (format == null) {
                ok = false;
            } else if (!FORMATS.contains(format)) {
                problems.add(item.position(), "unknown output format '" + format + "'",
                        Problems.suggest(format, FORMATS) + " (rootfs: a directory for the local provider; qcow2: a disk for clouds)");
                ok = false;
            } else {
                formats.add(ImageSpec.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT)));
            }
        }
        if (ok && formats.isEmpty()) {
            problems.add(image.entry("outputs").value().position(), "an image needs at least one output", "e.g. outputs: [rootfs]");
            ok = false;
        }
        return ok ? formats : null;
    }

    private String mirror(MapReader image, String key, String fallback) {
        String url = image.string(key);
        if (url == null) {
            return image.has(key) ? null : fallback;
        }
        if (key.equals("securityMirror") && url.equals("none")) {
            return url;
        }
        if (!url.matches("https?://[^\\s/]+(/\\S*)?")) {
            problems.add(image.entry(key).value().position(), "'" + url + "' is not an http(s) mirror URL",
                    "e.g. " + key + ": " + fallback + (key.equals("securityMirror") ? " (or none)" : ""));
            return null;
        }
        return url.replaceAll("/+$", "");
    }
}
