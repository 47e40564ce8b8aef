package io.drover.state;

import io.drover.spi.FileErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The heal election of a file state: an OS lock on {@code .drover/heal.lock} elects, so replicas must share one
 * machine (and file system). The OS drops the lock when its holder ends, however it ends, and a live holder cannot
 * lose it, so a term never expires and needs no token check. Each replica is listed as a file in
 * {@code .drover/heal-replicas/}, which readers filter by the pid being alive (a kill -9 leaves its file behind).
 */
final class FileElection implements Election {
    private final Path lockFile;
    private final Path replicaFile;
    private final LockInfo me;
    private FileTerm term;

    private FileElection(Path dir, LockInfo me) {
        this.lockFile = dir.resolve("heal.lock");
        this.replicaFile = dir.resolve("heal-replicas").resolve(me.pid() + "-" + me.id());
        this.me = me;
    }

    static FileElection join(Path dir, LockInfo me) throws StateException {
        FileElection e = new FileElection(dir, me);
        try {
            Files.createDirectories(e.replicaFile.getParent());
            Files.writeString(e.replicaFile, FileStateStore.format(me), StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new StateException("cannot register this heal replica in " + e.replicaFile.getParent() + ": " + FileErrors.describe(x), x);
        }
        return e;
    }

    @Override
    public synchronized Optional<Term> tryLead() throws StateException {
        if (term != null && !term.resigned) {
            return Optional.of(term);
        }
        try {
            return ProcessFileLocks.inTurn(lockFile, () -> {
                if (ProcessFileLocks.held(lockFile) != null) {
                    return Optional.<Term>empty(); // another replica in this process leads; never open the file (see ProcessFileLocks)
                }
                Optional<ProcessFileLocks.Held> taken = ProcessFileLocks.tryTake(lockFile, () -> me.since(java.time.Instant.now()));
                if (taken.isEmpty()) {
                    return Optional.<Term>empty();
                }
                term = new FileTerm(taken.get().channel(), taken.get().lock(), taken.get().info());
                return Optional.<Term>of(term);
            });
        } catch (IOException e) {
            throw new StateException("cannot take the heal leader lock " + lockFile + ": " + FileErrors.describe(e), e);
        }
    }

    @Override
    public boolean acrossMachines() {
        return false;
    }

    @Override
    public synchronized void close() {
        if (term != null) {
            term.resign();
        }
        try {
            Files.deleteIfExists(replicaFile);
        } catch (IOException e) {
            // readers skip a replica whose process is gone
        }
    }

    /** Who leads and who runs, read from the files: the leader lock's text, the replica files of live processes. */
    static Roster roster(Path dir) throws StateException {
        Path lockFile = dir.resolve("heal.lock");
        try {
            Optional<LockInfo> leader = ProcessFileLocks.inTurn(lockFile, () -> {
                ProcessFileLocks.Held mine = ProcessFileLocks.held(lockFile);
                if (mine != null) {
                    return Optional.of(mine.info());
                }
                String text;
                try {
                    text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException e) {
                    return Optional.<LockInfo>empty();
                }
                return text.isEmpty() ? Optional.<LockInfo>empty() : Optional.of(FileStateStore.parseHolder(text)).filter(FileElection::alive);
            });
            List<LockInfo> replicas = new ArrayList<>();
            Path replicaDir = dir.resolve("heal-replicas");
            if (Files.isDirectory(replicaDir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(replicaDir)) {
                    for (Path f : files) {
                        try {
                            LockInfo r = FileStateStore.parseHolder(Files.readString(f, StandardCharsets.UTF_8).strip());
                            if (alive(r)) {
                                replicas.add(r);
                            }
                        } catch (NoSuchFileException e) {
                            // it left while we looked
                        }
                    }
                }
            }
            replicas.sort(java.util.Comparator.comparing(LockInfo::since));
            return new Roster(leader, List.copyOf(replicas));
        } catch (IOException e) {
            throw new StateException("cannot read who leads heal (" + lockFile + "): " + FileErrors.describe(e), e);
        }
    }

    private static boolean alive(LockInfo r) {
        return r.pid() > 0 && ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    private final class FileTerm implements Term {
        private final FileChannel channel;
        private final FileLock lock;
        private final LockInfo leader;
        private volatile boolean resigned;

        FileTerm(FileChannel channel, FileLock lock, LockInfo leader) {
            this.channel = channel;
            this.lock = lock;
            this.leader = leader;
        }

        @Override
        public long token() {
            return 1; // the OS lock cannot be lost by a live holder: nothing to fence
        }

        @Override
        public LockInfo leader() {
            return leader;
        }

        @Override
        public void ensureSafe() throws LeadershipLostException {
            if (resigned) {
                throw new LeadershipLostException("this replica resigned");
            }
        }

        @Override
        public void resign() {
            synchronized (FileElection.this) {
                if (resigned) {
                    return;
                }
                resigned = true;
                try {
                    channel.truncate(0);
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    // closing the channel drops the lock in any case; the process ending drops it too
                } finally {
                    ProcessFileLocks.unregister(lockFile);
                }
            }
        }
    }
}
