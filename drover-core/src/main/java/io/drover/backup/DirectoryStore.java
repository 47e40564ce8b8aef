package io.drover.backup;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshot objects as files in one directory: {@code NAME} holds the bytes and {@code NAME.sha256} their SHA-256. Both
 * are written to a temporary file and moved into place, the checksum last, so an object without its checksum is one
 * whose write did not finish (it is not listed).
 */
public final class DirectoryStore implements SnapshotStore {
    private static final String SUM = ".sha256";
    /** Names are made by Drover; anything else (a path, a dot file) is refused before it touches the disk. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final Path dir;

    public DirectoryStore(Path dir) {
        this.dir = dir;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void put(String name, byte[] bytes) throws BackupException {
        check(name);
        try {
            Files.createDirectories(dir);
            write(dir.resolve(name), bytes);
            write(dir.resolve(name + SUM), (sha256(bytes) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new BackupException.NotWritable("cannot write to the backup directory " + dir + ": " + reason(e)
                    + "; make it a writable directory, or point 'backup.to' elsewhere", e);
        }
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public byte[] get(String name) throws BackupException {
        check(name);
        byte[] bytes;
        String expected;
        try {
            bytes = Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            throw new BackupException.Missing("there is no snapshot object " + name + " in " + dir);
        } catch (IOException e) {
            throw new BackupException.Damaged("cannot read " + dir.resolve(name) + ": " + reason(e));
        }
        try {
            expected = Files.readString(dir.resolve(name + SUM)).strip();
        } catch (IOException e) {
            throw new BackupException.Damaged(dir.resolve(name) + " has no checksum file (" + name + SUM
                    + "): its write never finished, or it was not written by Drover");
        }
        if (!sha256(bytes).equals(expected)) {
            throw new BackupException.Damaged(dir.resolve(name) + " is damaged: its SHA-256 is not the one written with it ("
                    + name + SUM + "); restore from another snapshot");
        }
        return bytes;
    }

    @Override
    public List<Entry> list() throws BackupException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (NAME.matcher(name).matches() && !name.endsWith(SUM) && Files.exists(p.resolveSibling(name + SUM))) {
                    entries.add(new Entry(name, Files.size(p)));
                }
            }
        } catch (IOException e) {
            throw new BackupException.Damaged("cannot list the backup directory " + dir + ": " + reason(e));
        }
        return entries;
    }

    @Override
    public void delete(String name) throws BackupException {
        check(name);
        try {
            Files.deleteIfExists(dir.resolve(name + SUM)); // first: a half-deleted object is no longer listed
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new BackupException.NotWritable("cannot delete " + dir.resolve(name) + ": " + reason(e), e);
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    private static void check(String name) {
        if (!NAME.matcher(name).matches() || name.endsWith(SUM)) {
            throw new IllegalArgumentException("not a snapshot object name: " + name);
        }
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() + " (" + f.getFile() + ")"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
