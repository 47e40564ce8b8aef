package io.drover.plan;

import io.drover.state.ServerRecord;

/**
 * One proposed change to one slot of a cluster.
 *
 * @param before the server the change replaces, deletes or adopts ({@code null} for a create)
 * @param beforeAlive whether {@code before} still runs (a replacement of a dead server cannot create first)
 * @param desiredDigest the identity the slot should have after the change ({@code null} for a delete)
 */
public record Change(
        Action action, String cluster, int slot, Reason reason, ServerRecord before, boolean beforeAlive,
        String desiredDigest) {

    public String resource() {
        return ServerRecord.resource(cluster, slot);
    }

    public boolean isNoOp() {
        return action == Action.NO_OP;
    }
}
