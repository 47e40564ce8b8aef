package io.drover.heal;

import io.drover.config.Cluster;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per etcd cluster, whether too few members are up, and when that deserves the alarm. Membership changes are held
 * from the first pass that finds too few members up; the alarm waits until that has lasted longer than an election:
 * when a leader dies, the members that remain answer no health check until they have elected another, which looks
 * like a lost quorum for a second or two.
 */
final class QuorumWatch {
    /** What one pass's look at a cluster means. */
    enum Verdict {
        /** Enough members are up. */
        FINE,
        /** Enough members are up again, after the alarm was given. */
        REGAINED,
        /** Too few members up, not for long yet: hold membership changes, no alarm. */
        HOLDING,
        /** Too few members up for longer than an election: the alarm, given once. */
        LOST,
        /** Still too few members up, the alarm given already. */
        STILL_LOST;

        boolean holds() {
            return this == HOLDING || this == LOST || this == STILL_LOST;
        }

        boolean alarmed() {
            return this == LOST || this == STILL_LOST;
        }
    }

    private final Map<String, Instant> downSince = new HashMap<>();
    private final Set<String> alarmed = new HashSet<>();

    Verdict observe(String cluster, boolean tooFewUp, Duration grace, Instant now) {
        if (!tooFewUp) {
            downSince.remove(cluster);
            return alarmed.remove(cluster) ? Verdict.REGAINED : Verdict.FINE;
        }
        Instant since = downSince.computeIfAbsent(cluster, k -> now);
        if (Duration.between(since, now).compareTo(grace) < 0) {
            return alarmed.contains(cluster) ? Verdict.STILL_LOST : Verdict.HOLDING;
        }
        return alarmed.add(cluster) ? Verdict.LOST : Verdict.STILL_LOST;
    }

    /** Two election timeouts of the cluster (etcd's {@code election-timeout} flag, in ms, 1000 by default). */
    static Duration electionGrace(Cluster c) {
        String flag = c.etcd() == null ? null : c.etcd().flags().get("election-timeout");
        long ms = 1000;
        if (flag != null) {
            try {
                ms = Long.parseLong(flag.strip());
            } catch (NumberFormatException e) {
                // the herd file's check says what is wrong with it; the default is the guess here
            }
        }
        return Duration.ofMillis(2 * ms);
    }
}
