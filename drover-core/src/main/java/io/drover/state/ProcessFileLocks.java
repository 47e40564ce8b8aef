package io.drover.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The OS file locks this process holds. The JDK takes POSIX record locks, which belong to the process, not to a
 * channel: closing any descriptor of a locked file (even one opened just to read who holds the lock) silently
 * drops every lock the process has on it. So this process must know which lock files it holds and never open
 * them meanwhile, and threads of one process must take turns before asking the OS. That knowledge is
 * process-wide by nature, hence the one static map of this code base.
 */
final class ProcessFileLocks {
    /** A held herd lock: who holds it, and the channel that must stay open until release. */
    record Held(FileChannel channel, FileLock lock, LockInfo info) {}

    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();
    private static final Map<Path, ReentrantLock> TURNS = new ConcurrentHashMap<>();

    private ProcessFileLocks() {}

    /** This process's holding of the lock file, if any. */
    static Held held(Path file) {
        return HELD.get(key(file));
    }

    /** Records a lock this process just took (in its turn, see {@link #inTurn}). */
    static void register(Path file, Held held) {
        HELD.put(key(file), held);
    }

    static void unregister(Path file) {
        HELD.remove(key(file));
    }

    /**
     * Tries the OS lock on {@code file} (the state lock, the heal leader lock): when it is free, the lock is registered
     * as this process's and the file made to name its holder (what {@code lockHolder} and the roster read); empty when
     * another process holds it. Call it in turn ({@link #inTurn}), once {@link #held} said this process does not.
     */
    static Optional<Held> tryTake(Path file, Supplier<LockInfo> holder) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            return Optional.empty();
        }
        Held held = new Held(ch, lock, holder.get());
        register(file, held);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(FileStateStore.format(held.info()).getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return Optional.of(held);
    }

    /** Runs {@code action} while no other thread of this process touches {@code file} (no OS lock). */
    static <T> T inTurn(Path file, IoAction<T> action) throws IOException, StateException {
        ReentrantLock turn = TURNS.computeIfAbsent(key(file), k -> new ReentrantLock());
        turn.lock();
        try {
            return action.run();
        } finally {
            turn.unlock();
        }
    }

    /** Runs {@code action} holding an exclusive OS lock on {@code file}, after the other threads of this process. */
    static <T> T exclusively(Path file, IoAction<T> action) throws IOException, StateException {
        ReentrantLock turn = TURNS.computeIfAbsent(key(file), k -> new ReentrantLock());
        turn.lock();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            return action.run();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("the OS lock on " + file + " is taken outside ProcessFileLocks", e);
        } finally {
            turn.unlock();
        }
    }

    interface IoAction<T> {
        T run() throws IOException, StateException;
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
