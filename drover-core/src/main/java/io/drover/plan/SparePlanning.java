package io.drover.plan;

import io.drover.addr.SlotAddress;
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

    /** Why a member's server is replaced while it still serves: it is out of date. */
    private static final Set<Reason> ROLLED = EnumSet.of(Reason.IMAGE_CHANGED, Reason.CONFIG_CHANGED);

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
            rollThroughSpare(out, t, votingSpares);
            if (cluster.role() == Role.ETCD) {
                makeRoom(out, t);
            }
        }
        return out;
    }

    /**
     * A roll of members that still serve (their image or first-boot config changed) goes through the spare slot: a spare
     * of the new digest is made there first (an old-digest spare is replaced, not promoted: promoting it would put an
     * out-of-date member in a slot that must then be rolled again), then, member by member, the spare is promoted (the
     * cluster has one voter more than its size for a moment), the old member leaves and goes, and the next spare of the
     * new digest is made in the spare slot. So the voters never drop below the size, etcd never has two learners (the spare
     * slot holds the only one), and the cluster has a caught-up spare after every member. All in the roll stage, in this
     * order: apply runs them one after another.
     *
     * <p>Only when every member change of the cluster is such a roll: a failed member (promoted above), a new slot or a
     * leftover makes the roll as it was (each new member joins on its own; in etcd the spare steps aside).
     */
    private static void rollThroughSpare(List<Change> changes, ClusterTemplate t, List<ServerRecord> votingSpares) {
        Cluster cluster = t.cluster();
        int spareSlot = cluster.size(); // the first spare slot; others (plain clusters) roll after, as before
        List<Change> rolled = new ArrayList<>();
        for (Change c : changes) {
            if (!c.cluster().equals(t.name()) || cluster.isSpareSlot(c.slot()) || c.isNoOp() || c.action() == Action.ADOPT) {
                continue;
            }
            if (c.action() != Action.REPLACE || !c.createFirst() || !ROLLED.contains(c.reason())) {
                return;
            }
            rolled.add(c);
        }
        if (rolled.isEmpty()) {
            return;
        }
        ServerRecord ready = null;
        List<Change> making = new ArrayList<>();
        for (Change c : changes) {
            if (!c.cluster().equals(t.name()) || c.slot() != spareSlot || c.stage() == Stage.CLEANUP) {
                continue;
            }
            ServerRecord r = c.before();
            boolean ofDesired = r != null && t.digest().equals(r.digest());
            boolean voting = r != null && votingSpares.stream().anyMatch(v -> v.name().equals(r.name()));
            if (ofDesired && (voting || c.action() == Action.NO_OP || c.action() == Action.ADOPT)) {
                ready = r; // a promotion cut off before it was recorded is finished by the first promotion
            } else if (c.action() != Action.ADOPT && !c.isNoOp()) {
                making.add(c);
            }
        }
        int at = changes.indexOf(rolled.get(0));
        changes.removeAll(rolled);
        // The spare slot's own changes: its spare is promoted (a ready one, recorded or adopted) or made anew below.
        changes.removeIf(c -> c.cluster().equals(t.name()) && c.slot() == spareSlot && c.stage() != Stage.CLEANUP);
        List<Change> roll = new ArrayList<>();
        if (ready == null) {
            for (Change c : making) {
                roll.add(new Change(c.action(), c.address(), c.reason(), c.before(), c.createFirst(), c.leaveCluster(), Stage.ROLL,
                        c.desiredDigest(), c.diff()));
            }
        }
        SlotAddress spareAddress = new SlotAddress(t.name(), spareSlot);
        for (Change member : rolled) {
            roll.add(ready != null ? Change.promote(member.address(), member.reason(), member.before(), ready)
                    : Change.promoteNextSpare(member.address(), member.reason(), member.before(), t.digest()));
            ready = null; // the next one is the spare the step before makes
            roll.add(new Change(Action.CREATE, spareAddress, Reason.SPARE_PROMOTED, null, false, false, Stage.ROLL, t.digest()));
        }
        changes.addAll(Math.min(at, changes.size()), roll);
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
