package io.drover.state;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long a leader's lease is surely still valid, by this process's monotonic clock. Each renewal counts from the
 * moment its request was <em>sent</em> (the server counts from when it received it, later), so the estimate errs on
 * the short side. Once the lease may have run out, or been declared lost, it stays lost: a renewal answered after
 * a pause does not bring back a term another replica may already have taken over.
 */
public final class LeaseTimer {
    private final Duration margin;
    private final LongSupplier nanos;
    private long validUntil;
    private String lost;

    /**
     * @param granted the lease's TTL, counted from {@code grantSent}
     * @param margin how much lease must be left before an action starts: room for the action's first request to land
     * @param nanos a monotonic clock (System::nanoTime, or virtual time in tests)
     */
    public LeaseTimer(long grantSent, Duration granted, Duration margin, LongSupplier nanos) {
        this.margin = margin;
        this.nanos = nanos;
        this.validUntil = grantSent + granted.toNanos();
    }

    public long now() {
        return nanos.getAsLong();
    }

    /** A renewal sent at {@code sent} was granted {@code ttl} more. Ignored once lost. */
    public synchronized void renewed(long sent, Duration ttl) {
        if (lost == null && !expired()) {
            validUntil = Math.max(validUntil, sent + ttl.toNanos());
        }
    }

    /** The lease is gone for a reason found elsewhere (etcd says so, resigned). */
    public synchronized void lost(String why) {
        if (lost == null) {
            lost = why;
        }
    }

    private boolean expired() {
        return nanos.getAsLong() - validUntil >= 0;
    }

    /** Why the term is over, once it is known to be (declared lost, or found doubtful by {@link #ensureSafe}); else null. */
    public synchronized String lost() {
        return lost;
    }

    /** How much of the lease is surely left (negative once it may have run out). */
    public synchronized Duration left() {
        return Duration.ofNanos(validUntil - nanos.getAsLong());
    }

    /**
     * Returns when an action may start now: the lease is held and will be for at least the margin. Else the term
     * is over for good, and why is thrown.
     */
    public synchronized void ensureSafe() throws LeadershipLostException {
        if (lost != null) {
            throw new LeadershipLostException(lost);
        }
        long left = validUntil - nanos.getAsLong();
        if (left <= 0) {
            lost = "the leader lease may have expired " + millis(-left) + " ago (this process was paused, or etcd was out of reach"
                    + " for longer than the lease): another replica may lead now";
            throw new LeadershipLostException(lost);
        }
        if (left < margin.toNanos()) {
            // Too close to call: stepping down costs one failover; acting might mean two leaders acting at once.
            lost = "only " + millis(left) + " of the leader lease left, under the safety margin of " + millis(margin.toNanos())
                    + " (renewals are late: etcd slow or out of reach, or this process starved)";
            throw new LeadershipLostException(lost);
        }
    }

    private static String millis(long nanos) {
        return (nanos / 1_000_000) + " ms";
    }
}
