package io.drover.state;

import java.util.Optional;

/**
 * Where a herd's state lives (a local file, etcd, ...). Writes are atomic: a reader sees the old or the new
 * state, never a torn one, and a crash at any point leaves a state a re-run can start from.
 */
public interface StateStore {

    /** The current state, or empty if the herd was never applied. */
    Optional<State> read() throws StateException;

    /** Replaces the state; the store keeps the previous version as a backup. */
    void write(State state) throws StateException;

    /**
     * Takes the exclusive lock for a command that changes the herd. Fails at once, naming the holder, when
     * someone else holds it. The lock is released on close, and by the store when its holder dies.
     */
    StateLock lock(String operation) throws StateException;

    /**
     * Who holds the lock now, if anyone, without taking it (for views such as {@code drover serve}). A store
     * that cannot tell says nobody.
     */
    default Optional<LockInfo> lockHolder() throws StateException {
        return Optional.empty();
    }

    /** Where the state is, for messages (a path, an etcd key). */
    String describe();
}
