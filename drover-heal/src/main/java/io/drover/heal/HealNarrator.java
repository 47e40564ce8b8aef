package io.drover.heal;

import io.drover.apply.Event;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells what heal decided and what the engine did about it, as heal events and metrics: each decision with how long
 * detection took, each engine step, and a finished replacement with how long healing took (which also starts its
 * slot's backoff).
 */
final class HealNarrator {
    private final HealListener listener;
    private final HealMetrics metrics;
    private final HealthTracker tracker;
    private final Clock clock;
    /** Per slot being replaced in the current pass: when heal decided to, and why. */
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();

    private record Decision(Instant at, Change change) {}

    HealNarrator(HealListener listener, HealMetrics metrics, HealthTracker tracker, Clock clock) {
        this.listener = listener;
        this.metrics = metrics;
        this.tracker = tracker;
        this.clock = clock;
    }

    /** Says what heal is about to do and why, with how long detection took; remembers each decision for the apply's events. */
    void announce(List<Change> acting, Map<String, Instant> firstFailure, Map<String, ServerHealth> health) {
        announce(acting, firstFailure, health, clock.instant());
    }

    /** {@link #announce(List, Map, Map)} of a decision taken at {@code decided} (before a spare was promoted at once). */
    void announce(List<Change> acting, Map<String, Instant> firstFailure, Map<String, ServerHealth> health, Instant decided) {
        for (Change c : acting) {
            String server = c.before() == null ? null : c.before().name();
            Instant first = server == null ? null : firstFailure.get(server);
            ServerHealth s = server == null ? null : health.get(server);
            HealEvent detected = HealEvent.of(HealEvent.Kind.DETECTED, c.cluster(), c.resource(), server,
                    c.action().verb() + " (" + c.reason().text() + ")" + (s == null || s.health().isUp() ? "" : ": " + s.health().detail()));
            if (first != null) {
                Duration detection = Duration.between(first, decided);
                metrics.detected(c.cluster(), detection);
                detected = detected.took(detection);
            }
            listener.on(detected);
            decisions.put(c.resource(), new Decision(decided, c));
        }
    }

    /** The apply of the announced changes is over. */
    void done() {
        decisions.clear();
    }

    /** Engine events during an apply: passed on, and a finished replacement closes its slot's heal timer. */
    void onEngineEvent(Event e) {
        Decision d = decisions.get(e.resource());
        String cluster = d == null ? null : d.change().cluster();
        switch (e) {
            case Event.Finished f when d != null && (f.action() == Action.REPLACE || f.action() == Action.CREATE) -> {
                Duration took = Duration.between(d.at(), clock.instant());
                metrics.healed(cluster, took);
                metrics.replaced(cluster, d.change().reason().name().toLowerCase());
                if (d.change().reason() != Reason.SPARE_PROMOTED) {
                    // A spare made again because the last one took a member's place did not fail: counted as a
                    // replacement, a herd that lost a few members in 10 minutes would wait minutes for its next spare.
                    tracker.replaced(f.resource(), clock.instant());
                }
                String old = d.change().before() == null ? "" : d.change().before().name() + " replaced by ";
                listener.on(new HealEvent(clock.instant(), HealEvent.Kind.HEALED, cluster, f.resource(), f.server(),
                        old + f.server() + ", healthy", took));
            }
            case Event.Failed f -> listener.on(HealEvent.of(HealEvent.Kind.FAILED, cluster, f.resource(), null, f.action().verb() + " failed: " + f.message()));
            case Event.Started s -> listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster, s.resource(), s.server(),
                    s.action().verb() + (s.server() == null ? "" : " " + s.server()) + " (" + s.reason() + ")"));
            case Event.Progress p -> listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster, p.resource(), null, p.message()));
            case Event.Finished f -> listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster, f.resource(), f.server(), f.action().verb() + " done"));
            case Event.Skipped s -> listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster, s.resource(), null, "skipped: " + s.because()));
            case Event.Note n -> listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster, n.resource(), null, n.message()));
        }
    }
}
