package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.roles.EtcdPki;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import java.util.Map;

/** Rotates the CA of a TLS etcd cluster, one phase at a time, writing each phase to the state at once. */
final class CaRotation {
    private final Herd herd;
    private final ClusterPkis pkis;
    private final StateStore store;

    CaRotation(Herd herd, ClusterPkis pkis, StateStore store) {
        this.herd = herd;
        this.pkis = pkis;
        this.store = store;
    }

    /** Where a TLS etcd cluster is in a CA rotation. */
    EtcdPki.Phase phase(String cluster, State state) throws StateException {
        return requirePki(cluster, state).phase();
    }

    /**
     * Starts a CA rotation of a cluster (or, when one is under way, moves it to its next phase once every member runs
     * the current one). The caller holds the state lock. Each phase changes every member's identity, so the next apply
     * replaces them all, rolling.
     */
    EtcdPki.Phase rotate(String cluster, boolean advance, State state) throws StateException {
        EtcdPki pki = requirePki(cluster, state);
        EtcdPki next = advance ? pki.advance() : pki.startRotation(herd.name(), cluster);
        Map<String, String> secrets = EtcdPki.clearSecrets(pkis.withPki(state).secrets(), cluster);
        secrets.putAll(next.toSecrets(cluster));
        store.write(state.withSecrets(secrets).nextSerial(), StateVersion.of(state));
        pkis.replace(cluster, next);
        return next.phase();
    }

    private EtcdPki requirePki(String cluster, State state) throws StateException {
        Cluster c = herd.clusters().get(cluster);
        EtcdPki pki = c == null ? null : pkis.pki(c, state);
        if (pki == null) {
            throw new StateException("cluster '" + cluster + "' is not an etcd cluster with TLS, so it has no CA to rotate");
        }
        return pki;
    }
}
