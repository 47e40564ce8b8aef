package io.drover.plan;

import io.drover.config.Cluster;
import io.drover.config.Role;
import io.drover.plan.Change.Stage;
import io.drover.state.ServerRecord;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a cluster's spares change in a plan: a spare takes the place of a failed member ({@link Action#PROMOTE}) and a
 * new spare is made after the roll; spares are created once the members serve; and in etcd, whose 3.4 allows one
 * learner, a spare steps aside while a new member joins as a learner, and comes back after. Pure, like the planner.
 */
final class SparePlanning {
    /** Why a member's server is replaced when a spare may take its place: it failed, it is not merely out of date. */
    private static final Set<Reason> FAILED = EnumSet.of(Reason.MISSING, Reason.NOT_RUNNING, Reason.UNHEALTHY, Reason.TAINTED,
            Reason.NOT_A_MEMBER);

    private SparePlanning() {}

    /**
     * A spare slot's own changes: made after the members' roll; in etcd a spare replaced goes before its successor is
     * added (two learners at once are refused).
     */
    static List<Change> ofSpareSlot(List<Change> changes, boolean etcd) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes) {
            Change moved = c.stage() == Stage.ROLL
                    ? new Change(c.action(), c.address(), c.reason(), c.before(), c.createFirst() && !etcd, c.leaveCluster(), Stage.SPARE,
                            c.desiredDigest(), c.diff())
                    : c;
            out.add(moved);
        }
        return out;
    }

    /**
     * Turns the replacement of a failed member into the promotion of a spare of the same identity, and has the spare
     * slot filled again after the roll; in etcd, makes a spare step aside while a new member must join as a learner.
     *
     * @param votingSpares spares their cluster already counts as voters: a promotion cut off before it was recorded; they
     *     are promoted first (the promotion's steps are idempotent, so it finishes)
     */
    static List<Change> arrange(List<Change> changes, List<ServerRecord> votingSpares, Map<String, ClusterTemplate> templates) {
        List<Change> out = new ArrayList<>(changes);
        for (ClusterTemplate t : templates.values()) {
            Cluster cluster = t.cluster();
            if (cluster.spares() == 0) {
                continue;
            }
            for (int i = 0; i < out.size(); i++) {
                Change failed = out.get(i);
                if (!failed.cluster().equals(t.name()) || cluster.isSpareSlot(failed.slot()) || failed.action() != Action.REPLACE
                        || !FAILED.contains(failed.reason())) {
                    continue;
                }
                int spareAt = usableSpare(out, cluster, failed.desiredDigest(), votingSpares);
                if (spareAt < 0) {
                    break;
                }
                Change spare = out.get(spareAt);
                out.set(i, Change.promote(failed.address(), failed.reason(), failed.before(), spare.before()));
                out.set(spareAt, new Change(Action.CREATE, spare.address(), Reason.SPARE_PROMOTED, null, false, false, Stage.SPARE,
                        t.digest()));
            }
            if (cluster.role() == Role.ETCD) {
                makeRoom(out, t);
            }
        }
        return out;
    }

    /** The index of a spare slot's change whose spare can be promoted now, or -1. */
    private static int usableSpare(List<Change> changes, Cluster cluster, String digest, List<ServerRecord> votingSpares) {
        int learner = -1;
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            if (!c.cluster().equals(cluster.name()) || !cluster.isSpareSlot(c.slot()) || c.before() == null
                    || !digest.equals(c.before().digest())) {
                continue;
            }
            ServerRecord spare = c.before();
            if (votingSpares.stream().anyMatch(v -> v.name().equals(spare.name())) && spare.spare()) {
                return i; // half promoted already: finish that one
            }
            if (c.action() == Action.NO_OP && spare.spare() && learner < 0) {
                learner = i;
            }
        }
        return learner;
    }

    /**
     * While a new member joins an etcd cluster (as its one learner), a spare learner must not be there: it leaves in the
     * clean-up and is made again after the roll. A spare being made anyway is simply made after the roll.
     */
    private static void makeRoom(List<Change> changes, ClusterTemplate t) {
        boolean memberJoins = changes.stream().anyMatch(c -> c.cluster().equals(t.name()) && !t.cluster().isSpareSlot(c.slot())
                && (c.action() == Action.CREATE || c.action() == Action.REPLACE || c.action() == Action.MIGRATE));
        if (!memberJoins) {
            return;
        }
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            if (c.cluster().equals(t.name()) && t.cluster().isSpareSlot(c.slot()) && c.before() != null && c.action() != Action.DELETE) {
                changes.set(i, new Change(Action.DELETE, c.address(), Reason.SPARE_MAKES_ROOM, c.before(), false, true, Stage.CLEANUP, null));
                changes.add(i + 1, new Change(Action.CREATE, c.address(), Reason.SPARE_MAKES_ROOM, null, false, false, Stage.SPARE, t.digest()));
                i++;
            }
        }
    }
}
