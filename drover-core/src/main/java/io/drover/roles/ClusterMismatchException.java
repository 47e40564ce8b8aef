package io.drover.roles;

import java.util.List;

/**
 * After an apply, a cluster's membership is not what the state records (a member the state does not know, a
 * recorded server the cluster does not count). The servers named are marked for replacement by the next apply.
 */
public final class ClusterMismatchException extends EtcdException {
    private final String cluster;
    private final List<String> notMembers;

    public ClusterMismatchException(String cluster, List<String> notMembers, String detail) {
        super("etcd cluster '" + cluster + "' does not match the state: " + detail);
        this.cluster = cluster;
        this.notMembers = List.copyOf(notMembers);
    }

    public String cluster() {
        return cluster;
    }

    /** Recorded servers that are not voting members of the cluster. */
    public List<String> notMembers() {
        return notMembers;
    }
}
