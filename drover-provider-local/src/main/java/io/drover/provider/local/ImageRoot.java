package io.drover.provider.local;

import java.nio.file.Path;
import java.util.Properties;

/**
 * How a server runs inside a baked image: its processes live in a private mount namespace (sharing the host's
 * network, so loopback addresses keep working) and are chrooted into the server's root. With {@code lower} set,
 * that root is an overlay: the image read-only below, the server's own directory ({@code root/}, where its
 * first-boot files are) above, so a server costs no copy of the image. Without it, {@code root/} is a full copy.
 * JDK only (read by the supervisor).
 *
 * @param chroot run the server's processes chrooted into its root
 * @param lower the image's root directory for an overlay, or {@code null} when {@code root/} is a copy
 */
record ImageRoot(boolean chroot, Path lower) {
    static final ImageRoot NONE = new ImageRoot(false, null);

    static ImageRoot overlay(Path lower) {
        return new ImageRoot(true, lower);
    }

    static ImageRoot copied() {
        return new ImageRoot(true, null);
    }

    /** The directory the server's processes see as {@code /}. */
    Path merged(Path serverDir) {
        return lower == null ? serverDir.resolve("root") : serverDir.resolve("merged");
    }

    static ImageRoot from(Properties properties) {
        if (!Boolean.parseBoolean(properties.getProperty("chroot", "false"))) {
            return NONE;
        }
        String lower = properties.getProperty("lower", "");
        return new ImageRoot(true, lower.isEmpty() ? null : Path.of(lower));
    }

    void store(Properties properties) {
        if (chroot) {
            properties.setProperty("chroot", "true");
            properties.setProperty("lower", lower == null ? "" : lower.toString());
        }
    }
}
