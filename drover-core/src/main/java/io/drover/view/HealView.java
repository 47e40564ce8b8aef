package io.drover.view;

import io.drover.state.Election;
import io.drover.state.LockInfo;
import java.util.List;

/**
 * Who runs {@code drover heal} on the herd: the leader (null when none leads now) and every replica, the leader among
 * them, oldest first.
 */
public record HealView(Replica leader, List<Replica> replicas) {

    public HealView {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }

    /** One {@code drover heal} process; {@code since}: when it started, or, for the leader, when it took the lead. */
    public record Replica(long pid, String host, String user, String since) {
        static Replica of(LockInfo info) {
            return new Replica(info.pid(), info.host(), info.user(), info.since() == null ? null : info.since().toString());
        }
    }

    public static HealView of(Election.Roster roster) {
        return new HealView(roster.leader().map(Replica::of).orElse(null), roster.replicas().stream().map(Replica::of).toList());
    }
}
