package io.drover.heal;

import io.drover.apply.ApplyResult;
import io.drover.plan.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one pass of the reconciler saw and did.
 *
 * @param health every recorded server's health, checked in this pass, by name
 * @param unhealthy servers this pass found to be replaced (failed their checks, or dead)
 * @param acted the changes this pass carried out (empty when there was nothing to do or it could not act)
 * @param result the apply's result, {@code null} when nothing was applied
 * @param quorumLost etcd clusters that lost quorum: heal leaves them alone
 * @param lockedBy who held the state lock when this pass wanted to act, {@code null} if nobody
 * @param idle why heal has nothing to look after (no state, destroyed, no servers), {@code null} when it has
 */
public record HealPass(Instant start, Duration took, Map<String, ServerHealth> health, Set<String> unhealthy,
        List<Change> acted, ApplyResult result, Set<String> quorumLost, String lockedBy, String idle) {

    public HealPass {
        health = Map.copyOf(health);
        unhealthy = Set.copyOf(unhealthy);
        acted = List.copyOf(acted);
        quorumLost = Set.copyOf(quorumLost);
    }

    static HealPass idle(Instant start, Duration took, String why) {
        return new HealPass(start, took, Map.of(), Set.of(), List.of(), null, Set.of(), null, why);
    }

    /** Every server healthy, nothing to do, nothing failed: the herd is whole. */
    public boolean whole() {
        return idle == null && unhealthy.isEmpty() && quorumLost.isEmpty() && lockedBy == null
                && (result == null || result.ok()) && health.values().stream().allMatch(h -> h.health().isUp());
    }

    /** Heal could not do what the herd needs: a failed step, a cluster without quorum, or the state locked by someone else. */
    public boolean failed() {
        return !quorumLost.isEmpty() || lockedBy != null || (result != null && !result.ok());
    }
}
