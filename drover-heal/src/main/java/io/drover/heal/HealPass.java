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
 */
public record HealPass(Instant start, Duration took, Map<String, ServerHealth> health, Set<String> unhealthy,
        List<Change> acted, ApplyResult result, Set<String> quorumLost, String lockedBy) {

    public HealPass {
        health = Map.copyOf(health);
        unhealthy = Set.copyOf(unhealthy);
        acted = List.copyOf(acted);
        quorumLost = Set.copyOf(quorumLost);
    }

    /** Every server healthy, nothing to do, nothing failed: the herd is whole. */
    public boolean whole() {
        return unhealthy.isEmpty() && quorumLost.isEmpty() && lockedBy == null
                && (result == null || result.ok()) && health.values().stream().allMatch(h -> h.health().isUp());
    }

    public boolean failed() {
        return !quorumLost.isEmpty() || (result != null && !result.ok());
    }
}
