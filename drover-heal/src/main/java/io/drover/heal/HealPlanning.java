package io.drover.heal;

import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The engine's plan, adapted to healing. */
final class HealPlanning {
    private HealPlanning() {}

    /**
     * Adapts the engine's plan to healing: leaves alone etcd clusters without quorum and slots still in backoff. A spare
     * slot in backoff holds only itself: the promotion of the spare made just before must not wait for it.
     */
    static Plan prepare(Plan plan, Set<String> quorumLost, HealthTracker tracker, HealListener listener, Instant now) {
        Set<String> hold = new HashSet<>(quorumLost);
        Set<String> spareHeld = new HashSet<>();
        for (Change c : plan.changes()) {
            if (c.isNoOp() || c.action() == Action.ADOPT || c.action() == Action.AWAIT) {
                continue;
            }
            if (c.stage() == Change.Stage.SPARE) {
                if (tracker.backoff(c.resource(), now).isPresent()) {
                    spareHeld.add(c.resource()); // made again once its backoff is over, by a later pass
                }
                continue;
            }
            Optional<Duration> wait = tracker.backoff(c.resource(), now);
            if (wait.isPresent() && hold.add(c.cluster())) {
                listener.on(HealEvent.of(HealEvent.Kind.BACKOFF, c.cluster(), c.resource(), c.before() == null ? null : c.before().name(),
                        "replaced recently; waiting " + String.format("%.1f", wait.get().toMillis() / 1000.0) + " s before replacing it again"));
            }
        }
        List<Change> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c.action() == Action.AWAIT || spareHeld.contains(c.resource())) {
                continue; // a server still starting: a later pass adopts it once healthy, or replaces it after its start timeout
            }
            if (hold.contains(c.cluster()) && !c.isNoOp() && c.action() != Action.ADOPT) {
                continue; // nothing for this cluster this pass, but recording a member found healthy changes nothing out there
            }
            changes.add(c);
        }
        return plan.withChanges(changes);
    }
}
