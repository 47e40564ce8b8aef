package io.drover.roles;

/**
 * Drover refused to change an etcd cluster's membership because too few of its voting members answer: the change
 * could not commit, or would leave the cluster without a majority. Nothing was changed; a human restores quorum
 * (docs/disaster-recovery.md).
 */
public final class QuorumLostException extends EtcdException {
    private final String cluster;
    private final int healthy;
    private final int voters;

    public QuorumLostException(String cluster, int healthy, int voters, String detail) {
        super("etcd cluster '" + cluster + "' has lost quorum: " + healthy + " of " + voters + " voting members answer. "
                + detail + "; restore it from a snapshot, see docs/disaster-recovery.md");
        this.cluster = cluster;
        this.healthy = healthy;
        this.voters = voters;
    }

    public String cluster() {
        return cluster;
    }

    public int healthy() {
        return healthy;
    }

    public int voters() {
        return voters;
    }
}
