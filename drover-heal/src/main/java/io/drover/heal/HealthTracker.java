package io.drover.heal;

import io.drover.health.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What heal remembers between passes: per server, its run of consecutive failed checks and when the run began;
 * per slot, its recent replacements (for {@link ReplacementBackoff}). Not thread-safe: one reconciler owns it.
 */
public final class HealthTracker {
    private final ReplacementBackoff backoff;
    /**
     * Until when a check that timed out does not count against a server this tracker has never seen healthy. The first
     * checks of a new heal (a cold JVM's first TLS handshakes, on a busy machine) can take longer than a check's budget:
     * that is not a frozen server. A server that refuses connections, or that was seen healthy, counts at once.
     */
    private final Instant patientUntil;
    private final Map<String, Run> runs = new HashMap<>();
    private final Map<String, Replacements> slots = new HashMap<>();

    public HealthTracker(ReplacementBackoff backoff) {
        this(backoff, Instant.MIN);
    }

    /** @param patientUntil until when a timed-out check of a server never seen healthy does not count (heal start + a few s) */
    public HealthTracker(ReplacementBackoff backoff, Instant patientUntil) {
        this.backoff = backoff;
        this.patientUntil = patientUntil;
    }

    /** A server's current run of failures; {@code failures == 0} when its last check passed. */
    public record Run(int failures, Instant firstFailure, Health last, boolean seenUp) {
        static final Run NONE = new Run(0, null, null, false);
    }

    /**
     * Records one check of a server and says whether it is now to be replaced.
     *
     * @param threshold the cluster's {@code failures}: consecutive failed checks that make a server unhealthy
     * @param gone the provider reports it stopped, failed or missing: dead at once, no need to wait for more checks
     */
    public Verdict observe(String server, Health health, int threshold, boolean gone, Instant now) {
        Run before = runs.getOrDefault(server, Run.NONE);
        Run after;
        if (health.isUp()) {
            after = new Run(0, null, health, true);
        } else if (!gone && health.status() == Health.Status.TIMEOUT && !before.seenUp() && now.isBefore(patientUntil)) {
            after = new Run(before.failures(), before.firstFailure(), health, false); // too early to tell: not counted
        } else {
            after = new Run(before.failures() + 1, before.failures() == 0 ? now : before.firstFailure(), health, before.seenUp());
        }
        runs.put(server, after);
        if (gone) {
            return new Verdict(true, after.firstFailure() == null ? now : after.firstFailure(), after.failures());
        }
        boolean unhealthy = after.failures() >= Math.max(1, threshold);
        return new Verdict(unhealthy, after.firstFailure(), after.failures());
    }

    /** Whether a server is to be replaced, and since when it has been failing. */
    public record Verdict(boolean unhealthy, Instant firstFailure, int failures) {}

    public Run run(String server) {
        return runs.getOrDefault(server, Run.NONE);
    }

    /** Drops what is known about servers that no longer exist. */
    public void retainServers(Set<String> servers) {
        runs.keySet().retainAll(servers);
    }

    /** Notes that a slot's server was replaced now. */
    public void replaced(String resource, Instant now) {
        Replacements r = slots.get(resource);
        int recent = r != null && !backoff.resetAfter().isZero() && r.last().plus(backoff.resetAfter()).isAfter(now) ? r.recent() + 1 : 1;
        slots.put(resource, new Replacements(recent, now));
    }

    /** How long the slot must still wait before heal may replace its server again; empty when it may now. */
    public Optional<Duration> backoff(String resource, Instant now) {
        Replacements r = slots.get(resource);
        if (r == null || r.last().plus(backoff.resetAfter()).isBefore(now)) {
            return Optional.empty();
        }
        Instant allowed = r.last().plus(backoff.delayAfter(r.recent()));
        return allowed.isAfter(now) ? Optional.of(Duration.between(now, allowed)) : Optional.empty();
    }

    private record Replacements(int recent, Instant last) {}
}
