package io.drover.bake;

import io.drover.config.Herd;
import io.drover.config.ImageSpec;
import io.drover.config.Template;
import io.drover.render.FileEntry;
import io.drover.render.Owner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Computes each image's {@link Recipe}: resolves its inputs and digests them. Same inputs, same digest, so a bake
 * whose image is in the store does nothing. The digest covers the <em>inputs</em> (base, apt sources and their
 * Release hashes, packages, files, steps, outputs, format version), not the built bytes: apt and dpkg write
 * timestamps, so two builds of one recipe differ byte for byte while being the same image.
 */
public final class Recipes {
    /** Bumped whenever the same inputs would bake a different image (a new build step, other mmdebstrap options). */
    public static final int FORMAT = 1;
    /** What the qcow2 output adds: a kernel with its initramfs, an init, and cloud-init to read first-boot config. */
    static final List<String> QCOW2_PACKAGES = List.of(
            "systemd-sysv", "udev", "linux-image-cloud-amd64", "initramfs-tools", "cloud-init", "ifupdown", "isc-dhcp-client");
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final Herd herd;
    private final ReleaseFiles releases;
    private final Map<String, Recipe> done = new LinkedHashMap<>();

    public Recipes(Herd herd, ReleaseFiles releases) {
        this.herd = herd;
        this.releases = releases;
    }

    /** The recipe of every image of the herd file, bases first. */
    public Map<String, Recipe> all() throws BakeException {
        for (String name : herd.images().keySet()) {
            of(name);
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(done));
    }

    /** The recipe of one image (and of its bases). */
    public Recipe of(String name) throws BakeException {
        Recipe recipe = done.get(name);
        if (recipe != null) {
            return recipe;
        }
        ImageSpec spec = herd.images().get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no image '" + name + "' in the herd file");
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("format", FORMAT);
        input.put("architecture", architecture());
        Recipe parent = null;
        List<AptSource> sources = List.of();
        switch (spec.base()) {
            case ImageSpec.Base.Debian debian -> {
                sources = AptSource.of(debian.suite(), spec);
                Map<String, String> release = new LinkedHashMap<>();
                releases.hashes(sources).forEach((source, hash) -> release.put(source.line(), hash));
                input.put("base", Map.of("debian", debian.suite(), "variant", "apt", "sources", release));
            }
            case ImageSpec.Base.Image image -> {
                parent = of(image.name());
                input.put("base", Map.of("image", parent.digest()));
            }
            case ImageSpec.Base.Directory directory -> input.put("base", Map.of("directory", treeDigest(directory.path())));
        }
        TreeSet<String> packages = new TreeSet<>(spec.packages());
        if (spec.outputs().contains(ImageSpec.Format.QCOW2) && spec.base() instanceof ImageSpec.Base.Debian) {
            packages.addAll(QCOW2_PACKAGES);
        }
        input.put("packages", List.copyOf(packages));
        List<FileEntry> files = spec.files().stream()
                .map(f -> new FileEntry(f.path(), f.mode(), f.owner(), f.contents() == null ? null : resolve(f.contents()), f.overwrite()))
                .toList();
        List<Map<String, Object>> fileInputs = new ArrayList<>();
        for (FileEntry f : files) {
            Map<String, Object> file = new TreeMap<>();
            file.put("path", f.path());
            file.put("mode", f.mode() == null ? 0644 : f.mode());
            Owner owner = f.owner() == null ? Owner.ROOT : f.owner();
            file.put("owner", String.valueOf(owner.user()) + ":" + owner.group());
            file.put("contents", String.valueOf(f.contents()));
            file.put("overwrite", f.overwrite());
            fileInputs.add(file);
        }
        input.put("files", fileInputs);
        List<String> run = spec.run().stream().map(this::resolve).toList();
        input.put("run", run);
        input.put("outputs", spec.outputs().stream().map(ImageSpec.Format::key).sorted().toList());
        String digest = "sha256:" + ReleaseFiles.sha256(CANONICAL.writeValueAsBytes(input));
        recipe = new Recipe(spec, digest, List.copyOf(packages), files, run, sources, parent);
        done.put(name, recipe);
        return recipe;
    }

    private String resolve(String text) {
        return Template.resolve(text, ref -> {
            if (ref.startsWith("var.")) {
                return herd.variables().getOrDefault(ref.substring(4), "");
            }
            return ref.equals("herd.name") ? herd.name() : "${" + ref + "}";
        });
    }

    static String architecture() {
        String arch = System.getProperty("os.arch", "amd64");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** sha256 over the sorted relative paths, types, modes, link targets and contents of a directory tree. */
    static String treeDigest(Path dir) throws BakeException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(dir)) {
                entries = walk.filter(p -> !p.equals(dir)).sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString())).toList();
            }
            byte[] buffer = new byte[65536];
            for (Path entry : entries) {
                String relative = dir.relativize(entry).toString();
                if (Files.isSymbolicLink(entry)) {
                    digest.update(("l " + relative + " -> " + Files.readSymbolicLink(entry) + "\n").getBytes(StandardCharsets.UTF_8));
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    digest.update(("d " + relative + " " + Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    digest.update(("f " + relative + " " + Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    try (InputStream in = Files.newInputStream(entry)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            digest.update(buffer, 0, n);
                        }
                    }
                } else {
                    digest.update(("o " + relative + "\n").getBytes(StandardCharsets.UTF_8)); // device nodes, fifos
                }
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new BakeException(BakeException.Kind.BAD_BASE, "cannot read base directory " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
