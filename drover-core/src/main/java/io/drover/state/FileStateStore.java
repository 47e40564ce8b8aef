package io.drover.state;

import io.drover.spi.FileErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * State in a local JSON file ({@code .drover/state.json}). Writes go to a temp file that is fsynced and renamed
 * over the old one, after the old one was copied to {@code state.json.backup}: a crash leaves either version.
 * The lock is an OS file lock on {@code .drover/lock}, so it dies with its holder; the file's text names the
 * holder for whoever is refused.
 */
public final class FileStateStore implements StateStore {
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;
    private final Path file;
    private final StateCodec codec = new StateCodec();

    public FileStateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.json");
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<State> read() throws StateException {
        try {
            return Optional.of(codec.decode(Files.readAllBytes(file), file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StateException("cannot read the state at " + file + ": " + FileErrors.describe(e), e);
        }
    }

    @Override
    public void write(State state) throws StateException {
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                Path backupTmp = dir.resolve("state.json.backup.tmp");
                Files.copy(file, backupTmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(backupTmp, PosixFilePermissions.fromString("rw-------"));
                fsync(backupTmp);
                move(backupTmp, dir.resolve("state.json.backup"));
            }
            Path tmp = dir.resolve("state.json.tmp");
            // The state holds secrets (CA keys): readable by its owner only, like an ssh key.
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OWNER_ONLY)) {
                ByteBuffer buf = ByteBuffer.wrap(codec.encode(state));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(tmp, file);
            fsyncDirectory();
        } catch (IOException e) {
            throw new StateException("cannot write the state to " + file + ": " + FileErrors.describe(e)
                    + ". The previous state is untouched.", e);
        }
    }

    @Override
    public StateLock lock(String operation) throws StateException {
        Path lockFile = dir.resolve("lock");
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new LockHeldException(file.toString(), parseHolder(holder));
            }
            LockInfo me = LockInfo.current(operation);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(format(me).getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            FileLock held = lock;
            return () -> {
                try {
                    ch.truncate(0);
                    held.release();
                    ch.close();
                } catch (IOException e) {
                    throw new StateException("cannot release the state lock " + lockFile + ": " + FileErrors.describe(e), e);
                }
            };
        } catch (IOException e) {
            throw new StateException("cannot lock the state at " + lockFile + ": " + FileErrors.describe(e), e);
        }
    }

    /**
     * The holder named in the lock file, while its process lives. Taking the OS lock to test it would make a
     * concurrent {@code apply} fail, so this reads the text its holder wrote: a holder releases by emptying it,
     * and one that died without doing so (kill -9) is recognised by its pid being gone.
     */
    @Override
    public Optional<LockInfo> lockHolder() throws StateException {
        Path lockFile = dir.resolve("lock");
        String text;
        try {
            text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StateException("cannot read the state lock " + lockFile + ": " + FileErrors.describe(e), e);
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        LockInfo holder = parseHolder(text);
        boolean alive = holder.pid() <= 0 || ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
        return alive ? Optional.of(holder) : Optional.empty();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    private static String format(LockInfo info) {
        return String.join("\t", info.operation(), info.user(), info.host(), Long.toString(info.pid()), info.since().toString());
    }

    private static LockInfo parseHolder(String text) {
        String[] f = text.split("\t");
        try {
            return new LockInfo(f[0], f[1], f[2], Long.parseLong(f[3]), java.time.Instant.parse(f[4]));
        } catch (RuntimeException e) {
            return new LockInfo("?", "another process", "this machine", -1, java.time.Instant.now());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private void fsyncDirectory() {
        // Makes the rename durable; not possible on every file system, where the rename is still atomic.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
