package io.drover.roles;

/**
 * A new etcd member has no running member to join, yet the cluster has recorded members: starting a fresh cluster
 * beside them could fork it (two clusters, each acknowledging writes the other never sees), so Drover refuses.
 */
public final class NoLiveMemberException extends EtcdException {
    private final String cluster;

    public NoLiveMemberException(String cluster, int recorded) {
        super("etcd cluster '" + cluster + "' has no live member to join (" + recorded + " recorded, none alive and healthy);"
                + " Drover will not start a new, empty cluster beside them. Wait for a member to come back, or restore from a"
                + " snapshot: see docs/disaster-recovery.md");
        this.cluster = cluster;
    }

    public String cluster() {
        return cluster;
    }
}
