package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine-wide address leases of local servers: one file per address, named after it, holding the directory of
 * the server that owns it. Shared by every herd and every Drover process of the user, so two herds never get the
 * same address. A lease whose owner directory no longer exists is stale (its server was removed by hand) and is
 * reclaimed.
 *
 * <p>Every change happens under an exclusive lock on {@code .lock}, so checking a lease and reclaiming it is atomic
 * against other processes (the lease itself is still created with {@code CREATE_NEW}).
 */
final class LeaseDirectory {
    private static final String LOCK = ".lock";
    private static final String CURSOR = ".last";
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;

    LeaseDirectory(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    /** Something done while holding the lease lock. */
    interface Locked<T> {
        T run() throws IOException, ProviderException;
    }

    /** Runs {@code action} holding the machine-wide lease lock (waits for other processes and threads). */
    <T> T withLock(Locked<T> action) throws ProviderException {
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = acquire(channel);
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot use the address lease directory " + dir + ": " + FileErrors.describe(e)
                    + " (set DROVER_LOCAL_LEASES to a writable directory)", e);
        }
    }

    private static FileLock acquire(FileChannel channel) throws IOException, ProviderException {
        Instant deadline = Instant.now().plus(LOCK_TIMEOUT);
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // another thread of this JVM holds it: wait like for another process
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ProviderException("timed out after " + LOCK_TIMEOUT.toSeconds() + "s waiting for the lease lock "
                        + channel + "; is another drover process stuck?", true, null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw ProviderException.interrupted("waiting for the lease lock", e);
            }
        }
    }

    /**
     * Takes the lease of {@code address} for {@code owner} if it is free or stale. Call under {@link #withLock}.
     *
     * @return whether the lease is now {@code owner}'s
     */
    boolean tryAcquire(String address, Path owner) throws IOException {
        Path lease = dir.resolve(address);
        Optional<Path> holder = owner(address);
        if (holder.isPresent()) {
            if (holder.get().equals(owner)) {
                return true;
            }
            if (Files.isDirectory(holder.get())) {
                return false;
            }
            Files.deleteIfExists(lease); // stale: its server directory is gone
        } else if (Files.exists(lease)) {
            Files.deleteIfExists(lease); // empty or garbled: a writer died between create and write
        }
        try {
            Files.writeString(lease, owner + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // someone not honouring the lock got there first
        }
    }

    /** Whether someone other than a stale owner holds {@code address}. Call under {@link #withLock}. */
    boolean heldByLiveOwner(String address) {
        return owner(address).filter(Files::isDirectory).isPresent();
    }

    /** Releases every lease {@code owner} holds (normally one). Call under {@link #withLock}. */
    void releaseAll(Path owner) throws IOException {
        for (String address : addressesOf(owner)) {
            Files.deleteIfExists(dir.resolve(address));
        }
    }

    /** The addresses leased to {@code owner}. */
    List<String> addressesOf(Path owner) throws IOException {
        List<String> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> leases = Files.list(dir)) {
            for (Path lease : leases.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                String address = lease.getFileName().toString();
                if (owner(address).filter(owner::equals).isPresent()) {
                    result.add(address);
                }
            }
        }
        return result;
    }

    /** The owner directory named by a lease, if the lease exists and is readable. */
    Optional<Path> owner(String address) {
        try {
            String text = Files.readString(dir.resolve(address), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The address handed out last (by any process), for round-robin allocation. Call under {@link #withLock}. */
    Optional<String> lastAllocated() {
        try {
            return Optional.of(Files.readString(dir.resolve(CURSOR), StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void recordAllocated(String address) throws IOException {
        Files.writeString(dir.resolve(CURSOR), address + "\n", StandardCharsets.UTF_8);
    }
}
