package io.drover.bake;

import io.drover.image.BakedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Baked images by digest: {@code DIR/<sha256 hex>/} holding {@code image.properties}, {@code rootfs/} and the other
 * outputs. An image is built in {@code DIR/.tmp-<hex>/} and renamed into place only once complete, so a directory
 * named by a digest is always a whole image; leftovers of an interrupted bake are removed by the next one.
 */
public final class ImageStore {
    private static final String TMP_PREFIX = ".tmp-";

    private final Path directory;

    public ImageStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The default store of a herd: {@code .drover/images/} next to the herd file. */
    public static ImageStore forHerd(Path herdDirectory) {
        return new ImageStore(herdDirectory.resolve(".drover").resolve("images"));
    }

    public Path directory() {
        return directory;
    }

    /** Where the image with this digest lives (or would). */
    public Path pathOf(String digest) {
        return directory.resolve(digest.substring(digest.indexOf(':') + 1));
    }

    public Optional<BakedImage> find(String digest) {
        return BakedImage.read(pathOf(digest)).filter(image -> image.digest().equals(digest));
    }

    /** Every complete image, newest first. */
    public List<BakedImage> list() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<BakedImage> images = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path dir : dirs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                BakedImage.read(dir).ifPresent(images::add);
            }
        }
        images.sort(Comparator.comparing(BakedImage::createdAt).reversed());
        return images;
    }

    /** Where the logs of bakes go. */
    public Path logs() {
        return directory.resolve("logs");
    }

    /**
     * Takes the store for one bake (another {@code drover bake} on the same store fails at once) and removes what
     * interrupted bakes left.
     */
    public Lock lock() throws BakeException {
        try {
            Files.createDirectories(directory);
            FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new BakeException(BakeException.Kind.STORE_BUSY, "another drover bake is using the image store " + directory
                        + "; wait for it to finish");
            }
            try (Stream<Path> dirs = Files.list(directory)) {
                for (Path leftover : dirs.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                    deleteTree(leftover);
                }
            }
            return new Lock(channel, lock);
        } catch (IOException e) {
            throw new BakeException(BakeException.Kind.IO, "cannot use the image store " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The store taken by one bake. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel and the process anyway
            }
        }
    }

    /** A fresh build directory for an image (under the lock). */
    Path newBuildDirectory(String digest) throws IOException {
        Path tmp = directory.resolve(TMP_PREFIX + digest.substring(digest.indexOf(':') + 1));
        deleteTree(tmp);
        Files.createDirectories(tmp);
        return tmp;
    }

    /** Moves a finished build into place: from now on the image exists. */
    BakedImage commit(Path build, BakedImage manifest) throws IOException {
        Path target = pathOf(manifest.digest());
        deleteTree(target); // a damaged image of the same digest (no manifest): replaced
        Files.move(build, target, StandardCopyOption.ATOMIC_MOVE);
        return BakedImage.read(target).orElseThrow(() -> new IOException("image " + target + " has no readable manifest after the bake"));
    }

    /** Removes an image (its manifest first, so a crash half-way leaves no image that looks complete). */
    public void remove(BakedImage image) throws IOException {
        Files.deleteIfExists(image.directory().resolve(BakedImage.MANIFEST));
        deleteTree(image.directory());
    }

    /** Deletes a tree without following links (a rootfs is full of absolute ones). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // rm is far faster than a Java walk over 20,000 files and copes with odd permissions; as root nothing resists it.
        try {
            Process rm = new ProcessBuilder("rm", "-rf", "--one-file-system", "--", dir.toString()).redirectErrorStream(true).start();
            String out = new String(rm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (rm.waitFor() != 0) {
                throw new IOException("rm -rf " + dir + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing " + dir, e);
        }
    }

    /** The bytes a tree takes on disk ({@code du}). */
    static long size(Path dir) {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", "--", dir.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            du.waitFor();
            return Long.parseLong(out.strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static void ignoreMissing(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            // fine
        }
    }
}
