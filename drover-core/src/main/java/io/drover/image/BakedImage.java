package io.drover.image;

import io.drover.spi.ImageSource;
import io.drover.spi.Timestamps;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * An image {@code drover bake} built, as its directory in the image store holds it: {@code image.properties} (this
 * record), {@code rootfs/} (the root directory), and with the qcow2 output {@code disk.qcow2}, {@code kernel} and
 * {@code initrd}. The engine hands it to providers as an {@link ImageSource.Baked} ({@link #source()}): its digest and
 * files, never this directory's layout.
 *
 * @param digest {@code sha256:...} over every input of the bake; part of each server's identity
 * @param name the image's name in the herd file
 * @param outputs {@code rootfs} and/or {@code qcow2}
 * @param bytes the size of the directory when it was built
 * @param kernelCommandLine the kernel arguments the qcow2 disk boots with (direct kernel boot)
 */
public record BakedImage(
        Path directory, String digest, String name, Instant createdAt, Set<String> outputs, long bytes, String kernelCommandLine) {

    public static final String MANIFEST = "image.properties";

    public BakedImage {
        outputs = Set.copyOf(new LinkedHashSet<>(outputs));
    }

    public Path rootfs() {
        return directory.resolve("rootfs");
    }

    public Path disk() {
        return directory.resolve("disk.qcow2");
    }

    public Path kernel() {
        return directory.resolve("kernel");
    }

    public Path initrd() {
        return directory.resolve("initrd");
    }

    /** The baked image in {@code directory}, or empty when it is not one (no readable manifest). */
    public static Optional<BakedImage> read(Path directory) {
        Path manifest = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            p.load(reader);
            String digest = p.getProperty("digest", "");
            if (!digest.startsWith("sha256:")) {
                return Optional.empty();
            }
            String outputs = p.getProperty("outputs", "rootfs");
            return Optional.of(new BakedImage(directory.toAbsolutePath().normalize(), digest, p.getProperty("name", ""),
                    Timestamps.parse(p.getProperty("createdAt", Instant.EPOCH.toString())),
                    new LinkedHashSet<>(Arrays.asList(outputs.split(","))), Long.parseLong(p.getProperty("bytes", "0")),
                    p.getProperty("kernelCommandLine", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes the manifest into {@link #directory()}. */
    public void write() throws IOException {
        Properties p = new Properties();
        p.setProperty("digest", digest);
        p.setProperty("name", name);
        p.setProperty("createdAt", createdAt.toString());
        p.setProperty("outputs", String.join(",", new java.util.TreeSet<>(outputs)));
        p.setProperty("bytes", Long.toString(bytes));
        p.setProperty("kernelCommandLine", kernelCommandLine);
        try (Writer writer = Files.newBufferedWriter(directory.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            p.store(writer, "An image baked by drover bake; see docs/bake.md");
        }
    }

    public boolean has(String output) {
        return outputs.contains(output);
    }

    /** This image as providers resolve it: its digest and the files its outputs made. */
    public ImageSource.Baked source() {
        return new ImageSource.Baked(name, digest, has("rootfs") ? Optional.of(rootfs()) : Optional.empty(),
                has("qcow2") ? Optional.of(new ImageSource.BootDisk(disk(), kernel(), initrd(), kernelCommandLine)) : Optional.empty());
    }
}
