package io.drover.state;

import java.util.Optional;

/**
 * Where a herd's state lives (a local file, etcd, ...). Writes are atomic: a reader sees the old or the new
 * state, never a torn one, and a crash at any point leaves a state a re-run can start from.
 *
 * <p>Writes are compare-and-swap on the state's lineage and serial, so a stale copy can never overwrite a newer
 * state: a writer says which version it read ({@link StateVersion#of(State)} of what {@link #read()} returned,
 * {@link StateVersion#NONE} when it returned nothing), and the store refuses the write with a
 * {@link StateConflictException} when it holds anything else. This holds between processes and machines, with
 * or without the lock.
 *
 * <p>Every implementation runs the contract suite {@code StateStoreContract} (drover-core's test jar).
 */
public interface StateStore extends AutoCloseable {

    /** The current state, or empty if the herd was never applied. */
    Optional<State> read() throws StateException;

    /**
     * Replaces the state with {@code next} if the store still holds the version the writer read; the store keeps
     * the previous version as a backup where it can.
     *
     * @param expected the version the writer read: {@code StateVersion.of(read)}, or {@link StateVersion#NONE}
     * @throws StateConflictException when the store holds another version; nothing was written
     * @throws LockLostException when this store held the lock and lost it (see {@link #lock})
     */
    void write(State next, StateVersion expected) throws StateException;

    /**
     * Takes the exclusive lock for a command that changes the herd. Fails at once, naming the holder, when
     * someone else holds it ({@link LockWaiter} waits). The lock is released on close, and by the store
     * when its holder dies (an OS file lock, an etcd lease that is no longer kept alive).
     */
    StateLock lock(String operation) throws StateException;

    /** Who holds the lock now, without taking it (for views, and for {@code drover force-unlock}). */
    default Optional<LockInfo> lockHolder() throws StateException {
        return Optional.empty();
    }

    /**
     * Breaks a lock whose holder is gone without it freeing itself. {@code id} must be the holder's lock ID (as
     * printed when refused), so a lock taken meanwhile by someone else is never broken by mistake.
     */
    default void forceUnlock(String id) throws StateException {
        throw new StateException("the state at " + describe() + " has no lock to break");
    }

    /**
     * Joins the election of the herd's {@code drover heal} leader as {@code me}. While the returned election holds a
     * term, every write of this store is fenced by it: refused with a {@link LeadershipLostException} once another
     * replica leads.
     */
    default Election election(LockInfo me, Election.Settings settings) throws StateException {
        throw new StateException("the state at " + describe() + " cannot elect a heal leader");
    }

    /** Who leads {@code drover heal} and which replicas run, as recorded (for views). */
    default Election.Roster healRoster() throws StateException {
        return Election.Roster.NONE;
    }

    /**
     * Called before each action that changes the world (a create, a destroy, a membership change). While this store
     * leads heal, it refuses ({@link LeadershipLostException}) unless the lease is comfortably valid, and records
     * the intent under the fence first, so a deposed leader's action never starts. Otherwise nothing.
     */
    default void beforeAction(String resource, String action) throws StateException {}

    /** Where the state is, for messages (a path, an etcd key). */
    String describe();

    /** Releases connections; the lock, if held, is released by closing it, not here. */
    @Override
    default void close() {}
}
