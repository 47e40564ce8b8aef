package io.drover.plan;

import io.drover.state.ServerRecord;
import java.util.List;

/**
 * A cluster's membership as the cluster itself reports it (etcd's member list), in terms the planner understands:
 * which servers the cluster counts as voting members. Clusters without membership (plain servers) have none.
 */
public record Membership(List<Member> members) {

    /** One member: the name it started under (empty until it started), the hosts of its peer URLs, whether it votes. */
    public record Member(String name, List<String> hosts, boolean voter) {
        public Member {
            hosts = List.copyOf(hosts);
        }

        public boolean started() {
            return !name.isEmpty();
        }

        boolean standsFor(ServerRecord r) {
            return name.equals(r.name()) || (r.ip() != null && hosts.contains(r.ip()));
        }
    }

    /** Where a server stands in its cluster. */
    public enum Standing {
        /** A started, voting member. */
        VOTER,
        /** Known to the cluster but not (yet) voting: added but never started. */
        PENDING,
        /** A started member that does not vote: a learner (what a spare is, or a new member not yet promoted). */
        LEARNER,
        /** The cluster does not know it. */
        STRANGER
    }

    public Membership {
        members = List.copyOf(members);
    }

    public Standing standing(ServerRecord r) {
        for (Member m : members) {
            if (m.standsFor(r)) {
                return !m.started() ? Standing.PENDING : m.voter() ? Standing.VOTER : Standing.LEARNER;
            }
        }
        return Standing.STRANGER;
    }
}
