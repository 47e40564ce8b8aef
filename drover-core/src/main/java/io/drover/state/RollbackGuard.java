package io.drover.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Remembers, in {@code .drover/state.seen}, the newest serial of the state's lineage this checkout has read or
 * written, and refuses a shared store's state older than that: encryption binds the serial to the state, but
 * only a reader's memory can tell that a whole older state was put back. Only for shared backends: with the
 * file backend, the person who could roll the file back is the one this would protect.
 */
final class RollbackGuard implements StateStore {
    private final StateStore store;
    private final Path seenFile;

    RollbackGuard(StateStore store, Path workDir) {
        this.store = store;
        this.seenFile = workDir.resolve("state.seen");
    }

    @Override
    public Optional<State> read() throws StateException {
        Optional<State> state = store.read();
        if (state.isPresent()) {
            StateVersion found = StateVersion.of(state.get());
            StateVersion seen = seen();
            if (seen != null && seen.sameLineage(found) && found.serial() < seen.serial()) {
                throw new StateRollbackException(store.describe(), found.serial(), seen.serial(), seenFile);
            }
            remember(found, seen);
        }
        return state;
    }

    @Override
    public void write(State next, StateVersion expected) throws StateException {
        store.write(next, expected);
        remember(StateVersion.of(next), seen());
    }

    private StateVersion seen() {
        try {
            String[] f = Files.readString(seenFile, StandardCharsets.UTF_8).strip().split(" ");
            return new StateVersion(f[0], Long.parseLong(f[1]));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: start remembering afresh
        }
    }

    /** Keeps the newer of the two; another lineage (a forced push, a recreated herd) starts over. */
    private void remember(StateVersion now, StateVersion seen) {
        if (now.isNone() || (seen != null && seen.sameLineage(now) && seen.serial() >= now.serial())) {
            return;
        }
        try {
            Files.createDirectories(seenFile.getParent());
            Path tmp = seenFile.resolveSibling("state.seen." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, now.lineageDigest() + " " + now.serial() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, seenFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, seenFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // a memory, not the state: losing it only weakens the rollback check
        }
    }

    @Override
    public StateLock lock(String operation) throws StateException {
        return store.lock(operation);
    }

    @Override
    public Optional<LockInfo> lockHolder() throws StateException {
        return store.lockHolder();
    }

    @Override
    public void forceUnlock(String id) throws StateException {
        store.forceUnlock(id);
    }

    @Override
    public Election election(LockInfo me, Election.Settings settings) throws StateException {
        return store.election(me, settings);
    }

    @Override
    public Election.Roster healRoster() throws StateException {
        return store.healRoster();
    }

    @Override
    public void beforeAction(String resource, String action) throws StateException {
        store.beforeAction(resource, action);
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
