package io.drover.heal;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Etcd clusters where too few members are up for any membership change to be safe. A member counts as down only
 * once heal has decided so (it is gone, or failed {@code failures} checks in a row): one slow check at start-up is
 * not a lost quorum; and the alarm waits out an election ({@link QuorumWatch}). Said once when it happens and once
 * when it is over.
 */
final class QuorumJudge {
    private final QuorumWatch watch = new QuorumWatch();
    private final HealMetrics metrics;
    private final HealListener listener;

    QuorumJudge(HealMetrics metrics, HealListener listener) {
        this.metrics = metrics;
        this.listener = listener;
    }

    Set<String> lost(Herd herd, Map<String, ServerHealth> health, Set<String> unhealthy, Instant now) {
        Set<String> lost = new LinkedHashSet<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.role() != Role.ETCD) {
                continue;
            }
            // A server never seen healthy is not counted (it may be a learner, or never have started), unless it
            // answers now: then it is a member that a killed run was still waiting for, and it votes.
            List<ServerHealth> members = HealthChecks.ofCluster(health, c.name()).stream()
                    .filter(s -> !s.record().tainted() || s.health().isUp())
                    .filter(s -> !s.record().spare()).toList(); // a spare is a learner: it never votes
            long down = members.stream().filter(s -> !s.starting() && unhealthy.contains(s.name())).count();
            boolean tooFewUp = !members.isEmpty() && members.size() - down < members.size() / 2 + 1;
            QuorumWatch.Verdict v = watch.observe(c.name(), tooFewUp, QuorumWatch.electionGrace(c), now);
            metrics.quorumLost(c.name(), v.alarmed());
            if (v.holds()) {
                lost.add(c.name());
            }
            if (v == QuorumWatch.Verdict.LOST) {
                // Said as the members answer: a survivor without a leader answers (503), it is only not healthy.
                long answering = members.stream().filter(ServerHealth::reachable).count();
                listener.on(HealEvent.of(HealEvent.Kind.QUORUM_LOST, c.name(), c.name(), null, "etcd cluster '" + c.name() + "' has lost quorum: "
                        + answering + " of " + members.size() + " members answer" + (answering > members.size() - down ? " (without a leader)" : "")
                        + ". Drover will not change its membership"
                        + " (that could lose data); restore it from a snapshot, see docs/disaster-recovery.md"));
            } else if (v == QuorumWatch.Verdict.REGAINED) {
                listener.on(HealEvent.of(HealEvent.Kind.RECOVERED, c.name(), c.name(), null, "etcd cluster '" + c.name() + "' has quorum again"));
            }
        }
        return lost;
    }
}
