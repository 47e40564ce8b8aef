package io.drover.backup;

import io.drover.config.Cluster;
import io.drover.roles.EtcdPki;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.List;

/** How to reach an etcd cluster's recorded members: their client URLs and, with TLS, the cluster's client identity. */
public final class ClusterAccess {
    private ClusterAccess() {}

    public static BackupLoop.Members members(Cluster cluster, State state) {
        List<String> urls = state.cluster(cluster.name()).stream().filter(r -> r.ip() != null && !r.tainted() && !r.spare())
                .map(r -> clientUrl(cluster, r)).toList();
        return new BackupLoop.Members(urls, pki(cluster, state));
    }

    public static String clientUrl(Cluster cluster, ServerRecord r) {
        return cluster.etcd().scheme() + "://" + r.ip() + ":" + cluster.etcd().clientPort();
    }

    /** The cluster's PKI, or null when it runs without TLS. */
    public static EtcdPki pki(Cluster cluster, State state) {
        return cluster.etcd().tls() ? EtcdPki.fromSecrets(state.secrets(), cluster.name()).orElse(null) : null;
    }
}
