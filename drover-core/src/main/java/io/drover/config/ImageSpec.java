package io.drover.config;

import io.drover.render.FileEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An image to bake, from the herd file's {@code images:} map: a base, Debian packages, files and shell steps, and
 * the formats to produce. {@code drover bake} builds it; a cluster runs it with {@code image: ${images.NAME}}.
 *
 * @param packages apt packages to install, as written (the digest sorts them)
 * @param files files written into the image, Butane's {@code storage.files} vocabulary, {@code ${var.X}} resolved
 * @param run shell steps run inside the image ({@code sh -e}), in order, after packages and files
 * @param mirror the Debian mirror for a {@link Base.Debian} base (and for {@code packages} of derived images)
 * @param securityMirror the Debian security mirror, or {@code null} for none
 */
public record ImageSpec(
        String name, Base base, List<String> packages, List<FileEntry> files, List<String> run, Set<Format> outputs,
        String mirror, String securityMirror, SourcePosition position) {

    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    public static final String DEFAULT_SECURITY_MIRROR = "http://deb.debian.org/debian-security";

    /** Where an image starts from. */
    public sealed interface Base {
        /** A fresh Debian suite, made with mmdebstrap, e.g. {@code debian:bookworm}. */
        record Debian(String suite) implements Base {}

        /** Another image of the same herd file ({@code ${images.NAME}}). */
        record Image(String name) implements Base {}

        /** An existing root directory (absolute, or relative to the herd file). */
        record Directory(Path path) implements Base {}
    }

    /** What a bake produces. */
    public enum Format {
        /** A root directory, run by the local provider. */
        ROOTFS,
        /** A QEMU disk image with a kernel and cloud-init, uploaded by cloud providers. */
        QCOW2;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ImageSpec {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        run = List.copyOf(run);
        outputs = java.util.Collections.unmodifiableSet(new TreeSet<>(outputs));
    }

    /** The reference a cluster writes to run this image. */
    public String reference() {
        return reference(name);
    }

    public static String reference(String image) {
        return "${images." + image + "}";
    }

    /** The image name in an {@code ${images.NAME}} reference, or {@code null} when {@code text} is not one. */
    public static String referencedName(String text) {
        if (text != null && text.startsWith("${images.") && text.endsWith("}")) {
            return text.substring("${images.".length(), text.length() - 1);
        }
        return null;
    }
}
