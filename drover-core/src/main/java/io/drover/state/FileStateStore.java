package io.drover.state;

import io.drover.spi.FileErrors;
import io.drover.spi.Timestamps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * State in a local file ({@code .drover/state.json}). Writes go to a temp file that is fsynced and renamed over
 * the old one, after the old one was kept as {@code state.json.backup}: a crash leaves either version. The
 * compare-and-swap (read the stored version, check, rename) runs under an OS lock on {@code state.json.lock}, so
 * it holds between processes. The herd lock is an OS file lock on {@code .drover/lock}, so it dies with its
 * holder; the file's text names the holder for whoever is refused.
 */
public final class FileStateStore implements StateStore {
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;
    private final Path file;
    private final StateCodec codec;

    /** Unencrypted state in {@code dir}. */
    public FileStateStore(Path dir) {
        this(dir, new StateCodec());
    }

    public FileStateStore(Path dir, StateCodec codec) {
        this.dir = dir;
        this.file = dir.resolve("state.json");
        this.codec = codec;
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<State> read() throws StateException {
        byte[] bytes = bytes(file);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(bytes, file.toString()));
        } catch (DamagedStateException e) {
            throw new DamagedStateException(e.getMessage() + ": restore it from its backup (cp " + file + ".backup " + file + ")", e);
        }
    }

    private static byte[] bytes(Path path) throws StateException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StateException("cannot read the state at " + path + ": " + FileErrors.describe(e), e);
        }
    }

    @Override
    public void write(State next, StateVersion expected) throws StateException {
        if (next.serial() < 1) {
            throw new IllegalArgumentException("a stored state has serial 1 or more (write nextSerial() of what was read)");
        }
        try {
            Files.createDirectories(dir);
            ProcessFileLocks.exclusively(dir.resolve("state.json.lock"), () -> {
                byte[] old = bytes(file);
                StateVersion stored = old == null ? StateVersion.NONE : codec.version(old, file.toString());
                if (!stored.equals(expected)) {
                    throw new StateConflictException(file.toString(), expected, stored);
                }
                if (old != null) {
                    writeAtomically(dir.resolve("state.json.backup"), backupOf(old));
                }
                writeAtomically(file, codec.encode(next));
                return null;
            });
        } catch (IOException e) {
            throw new StateException("cannot write the state to " + file + ": " + FileErrors.describe(e)
                    + ". The previous state is untouched.", e);
        }
    }

    /**
     * The previous version as the backup keeps it: as it was, unless it is unencrypted and encryption is on now
     * (the migration that encrypts a state must not leave a plaintext copy beside it).
     */
    private byte[] backupOf(byte[] old) throws StateException {
        if (!codec.encrypts() || StateCipher.isEnvelope(old)) {
            return old;
        }
        return codec.encode(new StateCodec().decode(old, file.toString()));
    }

    /** Temp file (owner-only: the state holds CA keys), fsync, rename, fsync the directory. */
    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        move(tmp, target);
        fsyncDirectory();
    }

    @Override
    public StateLock lock(String operation) throws StateException {
        try {
            return ProcessFileLocks.inTurn(dir.resolve("lock"), () -> lockInTurn(operation));
        } catch (IOException e) {
            throw new StateException("cannot lock the state at " + dir.resolve("lock") + ": " + FileErrors.describe(e), e);
        }
    }

    private StateLock lockInTurn(String operation) throws StateException {
        Path lockFile = dir.resolve("lock");
        ProcessFileLocks.Held mine = ProcessFileLocks.held(lockFile);
        if (mine != null) {
            throw new LockHeldException(file.toString(), mine.info()); // never open the file: that would drop our own lock
        }
        try {
            Files.createDirectories(dir);
            Optional<ProcessFileLocks.Held> taken = ProcessFileLocks.tryTake(lockFile, () -> LockInfo.current(operation));
            if (taken.isEmpty()) {
                throw new LockHeldException(file.toString(), parseHolder(Files.readString(lockFile, StandardCharsets.UTF_8).strip()));
            }
            FileChannel ch = taken.get().channel();
            FileLock held = taken.get().lock();
            return () -> {
                try {
                    ch.truncate(0);
                    held.release();
                    ch.close();
                } catch (IOException e) {
                    throw new StateException("cannot release the state lock " + lockFile + ": " + FileErrors.describe(e), e);
                } finally {
                    ProcessFileLocks.unregister(lockFile);
                }
            };
        } catch (IOException e) {
            throw new StateException("cannot lock the state at " + lockFile + ": " + FileErrors.describe(e), e);
        }
    }

    /**
     * The holder named in the lock file, while its process lives. Taking the OS lock to test it would make a
     * concurrent {@code apply} fail, so this reads the text its holder wrote: a holder releases by emptying it,
     * and one that died without doing so (kill -9) is recognised by its pid being gone. When this very process
     * holds the lock, the file is not even opened (that would drop the lock, see {@link ProcessFileLocks}).
     */
    @Override
    public Optional<LockInfo> lockHolder() throws StateException {
        Path lockFile = dir.resolve("lock");
        try {
            return ProcessFileLocks.inTurn(lockFile, () -> {
                ProcessFileLocks.Held mine = ProcessFileLocks.held(lockFile);
                if (mine != null) {
                    return Optional.of(mine.info());
                }
                String text;
                try {
                    text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                if (text.isEmpty()) {
                    return Optional.empty();
                }
                LockInfo holder = parseHolder(text);
                boolean alive = holder.pid() <= 0 || ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
                return alive ? Optional.of(holder) : Optional.<LockInfo>empty();
            });
        } catch (IOException e) {
            throw new StateException("cannot read the state lock " + lockFile + ": " + FileErrors.describe(e), e);
        }
    }

    /** An OS file lock cannot outlive its holder, so there is never a stale one to break: say what to do instead. */
    @Override
    public void forceUnlock(String id) throws StateException {
        Optional<LockInfo> holder = lockHolder();
        if (holder.isEmpty()) {
            throw new StateException("the state at " + file + " is not locked (a file lock frees itself when its holder ends)");
        }
        LockInfo h = holder.get();
        if (!h.id().equals(id)) {
            throw new StateException("the state at " + file + " is locked by " + h.describe() + ", not lock ID " + id);
        }
        throw new StateException("the state at " + file + " is locked by " + h.describe() + ". A file lock is held by a live"
                + " process and frees itself when that process ends: let it finish, or stop it (kill " + h.pid() + " on " + h.host() + ")");
    }

    @Override
    public Election election(LockInfo me, Election.Settings settings) throws StateException {
        return FileElection.join(dir, me);
    }

    @Override
    public Election.Roster healRoster() throws StateException {
        return FileElection.roster(dir);
    }

    @Override
    public String describe() {
        return file.toString();
    }

    static String format(LockInfo info) {
        return String.join("\t", info.operation(), info.user(), info.host(), Long.toString(info.pid()), info.since().toString(), info.id());
    }

    static LockInfo parseHolder(String text) {
        String[] f = text.split("\t");
        try {
            return new LockInfo(f.length > 5 ? f[5] : "-", f[0], f[1], f[2], Long.parseLong(f[3]), Timestamps.parse(f[4]));
        } catch (RuntimeException e) {
            return new LockInfo("-", "?", "another process", "this machine", -1, Instant.now());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
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
