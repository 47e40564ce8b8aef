package io.drover.state;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One {@code drover heal} replica's part in electing the herd's healer: it is listed among the replicas while it
 * runs, and {@link #tryLead()} makes it the leader when nobody else is. Made by {@link StateStore#election}; the
 * store fences its writes with the term while it lasts.
 */
public interface Election extends AutoCloseable {

    /**
     * @param lease how long a leader's lease lasts without renewal (failover after a crash takes about this long)
     * @param margin how much lease must be left for an action to start
     * @param nanos a monotonic clock
     */
    record Settings(Duration lease, Duration margin, LongSupplier nanos) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(3), Duration.ofMillis(1000), System::nanoTime);
    }

    /** Becomes the leader if nobody leads now; empty (without waiting) when another replica does. */
    Optional<Term> tryLead() throws StateException;

    /** Whether replicas on several machines can take part (false for a file lock: one machine only). */
    boolean acrossMachines();

    /** Leaves: resigns a term still held and stops being listed. */
    @Override
    void close();

    /** A leader's term. Writes to the store that made it carry its token while it lasts. */
    interface Term {
        /** The fencing token: greater for every later term of the herd. */
        long token();

        LockInfo leader();

        /** Returns when an action that changes the world may start now; else the term is over, and why is thrown. */
        void ensureSafe() throws LeadershipLostException;

        /** Ends the term at once (the next replica takes over without waiting for the lease to run out). */
        void resign();
    }

    /** Who leads and who is there, as the store records it. */
    record Roster(Optional<LockInfo> leader, List<LockInfo> replicas) {
        public static final Roster NONE = new Roster(Optional.empty(), List.of());
    }
}
