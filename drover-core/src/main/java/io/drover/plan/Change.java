package io.drover.plan;

import io.drover.addr.SlotAddress;
import io.drover.state.ServerRecord;
import java.util.Objects;

/**
 * One proposed change to one slot of a cluster. The fields say what apply must do; {@link #reason()} only explains
 * it to people (decisions are never made from it, as in OpenTofu's plans).
 *
 * @param before the server the change replaces, deletes or adopts ({@code null} for a create)
 * @param createFirst for a replacement: the new server is created before the old one goes (the old one still
 *     serves); otherwise the old one goes first (it is dead, or must leave its cluster before a new member can join)
 * @param leaveCluster the old server leaves its cluster's membership before it is destroyed (false when the whole
 *     cluster goes, or never formed)
 * @param stage when the change runs relative to the cluster's other changes
 * @param desiredDigest the identity the slot has after the change ({@code null} for a delete)
 * @param diff for a replacement with a new identity: what changed, for display only (like the reason)
 * @param spare for {@link Action#PROMOTE}: the spare that takes the slot; {@code null} otherwise, and for a promotion in a
 *     roll whose spare is made by the change before it (see {@link #promoteNextSpare}): apply promotes the spare its
 *     cluster records when the step runs
 */
public record Change(
        Action action, SlotAddress address, Reason reason, ServerRecord before, boolean createFirst, boolean leaveCluster,
        Stage stage, String desiredDigest, IdentityDiff diff, ServerRecord spare) {

    /** The order of a cluster's changes. */
    public enum Stage {
        /** Before anything is created: leftovers (duplicates, failed creates, vanished servers) go first. */
        CLEANUP,
        /** Creates and replacements, rolling. */
        ROLL,
        /** After the roll: a cluster's spares, created once its members serve. */
        SPARE,
        /** After the roll: servers beyond the cluster's size, or of a cluster that goes. */
        SHRINK
    }

    public Change {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(stage, "stage");
        diff = diff == null ? IdentityDiff.NONE : diff;
        if (action != Action.PROMOTE && spare != null) {
            throw new IllegalArgumentException("a spare goes with a promotion only: " + action);
        }
    }

    /** A change with no spare to promote. */
    public Change(
            Action action, SlotAddress address, Reason reason, ServerRecord before, boolean createFirst, boolean leaveCluster,
            Stage stage, String desiredDigest, IdentityDiff diff) {
        this(action, address, reason, before, createFirst, leaveCluster, stage, desiredDigest, diff, null);
    }

    /** The slot's failed server {@code failed} makes way for {@code spare}, which fills the slot from then on. */
    public static Change promote(SlotAddress address, Reason why, ServerRecord failed, ServerRecord spare) {
        return new Change(Action.PROMOTE, address, why, failed, false, true, Stage.ROLL, spare.digest(), IdentityDiff.NONE, spare);
    }

    /**
     * In a roll through the spare: the slot's out-of-date server makes way for the spare of the new digest that the
     * plan's change before this one makes (unknown yet, so none is named: apply takes the one its cluster records).
     */
    public static Change promoteNextSpare(SlotAddress address, Reason why, ServerRecord outOfDate, String desiredDigest) {
        return new Change(Action.PROMOTE, address, why, outOfDate, false, true, Stage.ROLL, desiredDigest, IdentityDiff.NONE, null);
    }

    /** A change with nothing to show of what changed (see {@link IdentityDiffs} for the ones that have). */
    public Change(
            Action action, SlotAddress address, Reason reason, ServerRecord before, boolean createFirst, boolean leaveCluster,
            Stage stage, String desiredDigest) {
        this(action, address, reason, before, createFirst, leaveCluster, stage, desiredDigest, IdentityDiff.NONE);
    }

    public static Change create(SlotAddress address, String desiredDigest) {
        return new Change(Action.CREATE, address, Reason.NEW, null, false, false, Stage.ROLL, desiredDigest);
    }

    public static Change keep(SlotAddress address, ServerRecord server) {
        return new Change(Action.NO_OP, address, Reason.UP_TO_DATE, server, false, false, Stage.ROLL, server.digest());
    }

    public String cluster() {
        return address.cluster();
    }

    public int slot() {
        return address.slot();
    }

    public String resource() {
        return address.toString();
    }

    public boolean isNoOp() {
        return action == Action.NO_OP;
    }

    /** The same change, with the old server going first (heal: a frozen etcd member must leave before a new one joins). */
    public Change destroyFirst() {
        return new Change(action, address, reason, before, false, leaveCluster, stage, desiredDigest, diff, spare);
    }

    /** The same change, explained by what changed. */
    public Change withDiff(IdentityDiff newDiff) {
        return new Change(action, address, reason, before, createFirst, leaveCluster, stage, desiredDigest, newDiff, spare);
    }
}
