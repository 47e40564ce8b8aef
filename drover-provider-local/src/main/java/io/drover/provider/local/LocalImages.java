package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The images of the local provider: {@code host} (an empty root; servers use the host's programs), directories
 * (copied into each server's root), and baked images (their root directory, used in place).
 */
final class LocalImages {
    static final String HOST = "host";
    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Path herdDir;
    private final Path versionCache;
    private String hostDigest; // guarded by this; computed once, running etcd is slow-ish

    /**
     * @param herdDir relative directory images are resolved against (where the herd file is)
     * @param root the provider's directory, where the host's etcd version is remembered
     */
    LocalImages(Path herdDir, Path root) {
        this.herdDir = herdDir;
        this.versionCache = root.resolve("host-etcd-version");
    }

    Image resolve(ImageSource source) throws ProviderException {
        return switch (source) {
            case ImageSource.Named named -> resolve(named.reference());
            case ImageSource.Baked baked -> {
                // Its digest covers its inputs, no need to hash 200 MB of root filesystem.
                Path rootfs = baked.rootfs().orElseThrow(() -> new ProviderException("baked image '" + baked.name()
                        + "' has no root directory, which local servers run in: add 'rootfs' to the image's outputs and bake again"));
                yield new Image(baked, rootfs.toAbsolutePath().normalize().toString(), baked.digest());
            }
        };
    }

    Image resolve(String reference) throws ProviderException {
        if (reference.equals(HOST)) {
            return new Image(HOST, HOST, hostDigest());
        }
        Path dir = herdDir.resolve(reference).toAbsolutePath().normalize();
        if (!reference.isBlank() && Files.isDirectory(dir)) {
            try {
                return new Image(reference, dir.toString(), directoryDigest(dir));
            } catch (IOException e) {
                throw new ProviderException("cannot read image directory " + dir + ": " + FileErrors.describe(e), e);
            }
        }
        throw new ProviderException("image '" + reference + "' not found: the local provider knows 'host' and directory paths"
                + " (absolute, or relative to " + herdDir + ")");
    }

    /** The root directory of the baked image a server runs, or empty for {@code host} and plain directories. */
    static Optional<Path> bakedRoot(Image image) {
        return image.source() instanceof ImageSource.Baked b ? b.rootfs() : Optional.empty();
    }

    /** Fills a new server's root from its image. */
    void copyInto(Image image, Path root) throws ProviderException {
        if (image.id().equals(HOST)) {
            return;
        }
        Optional<Path> baked = bakedRoot(image);
        if (baked.isPresent()) {
            copyTree(baked.get(), root);
            return;
        }
        Path source = Path.of(image.id());
        if (!Files.isDirectory(source)) {
            throw new ProviderException("image directory " + source + " of image '" + image.reference() + "' no longer exists");
        }
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path from : walk.toList()) {
                Path to = root.resolve(source.relativize(from).toString());
                if (from.equals(source)) {
                    continue;
                }
                if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
                } else {
                    Files.copy(from, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot copy image " + source + " into " + root + ": " + FileErrors.describe(e), e);
        }
    }

    /** {@code cp -a}: a root filesystem has device nodes, owners and special modes the JDK's copy does not keep. */
    static void copyTree(Path from, Path to) throws ProviderException {
        try {
            Process cp = new ProcessBuilder("cp", "-a", "--reflink=auto", from + "/.", to.toString()).redirectErrorStream(true).start();
            String out = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (cp.waitFor() != 0) {
                throw new ProviderException("cannot copy image " + from + " into " + to + ": " + out);
            }
        } catch (IOException e) {
            throw new ProviderException("cannot copy image " + from + " into " + to + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("copying image " + from, e);
        }
    }

    private synchronized String hostDigest() {
        if (hostDigest == null) {
            String input = "drover local provider: host image v1\n" + new HostEtcdVersion(ETCD, versionCache).get();
            hostDigest = "sha256:" + HexFormat.of().formatHex(sha256().digest(input.getBytes(StandardCharsets.UTF_8)));
        }
        return hostDigest;
    }

    /** sha256 over the sorted relative paths, types, modes and contents (or link targets) of a directory tree. */
    static String directoryDigest(Path dir) throws IOException {
        MessageDigest digest = sha256();
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.filter(p -> !p.equals(dir)).sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString())).toList();
        }
        for (Path entry : entries) {
            String relative = dir.relativize(entry).toString();
            if (Files.isSymbolicLink(entry)) {
                digest.update(("l " + relative + " -> " + Files.readSymbolicLink(entry) + "\n").getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int mode = IgnitionApplier.mode(Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS));
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                digest.update(("d " + relative + " " + Integer.toOctalString(mode) + "\n").getBytes(StandardCharsets.UTF_8));
                continue;
            }
            digest.update(("f " + relative + " " + Integer.toOctalString(mode) + " " + Files.size(entry) + "\n").getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(entry)) {
                byte[] buffer = new byte[65536];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
