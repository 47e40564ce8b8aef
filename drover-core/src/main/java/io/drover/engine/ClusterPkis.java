package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.roles.EtcdPki;
import io.drover.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The PKI of each etcd cluster that runs TLS: loaded from the state's secrets, or generated for a cluster applied
 * for the first time (and saved with the first step of the next apply); its client files for users.
 */
final class ClusterPkis {
    private final Herd herd;
    private final Map<String, EtcdPki> pkis = new HashMap<>();
    /** Per cluster, the client identity of the PKI in {@link #pkis}. */
    private final Map<String, SSLContext> contexts = new HashMap<>();

    ClusterPkis(Herd herd) {
        this.herd = herd;
    }

    static boolean usesTls(Cluster c) {
        return c.role() == Role.ETCD && c.etcd().tls();
    }

    /** The state with every TLS etcd cluster's PKI in its secrets. */
    synchronized State withPki(State state) {
        Map<String, String> secrets = new HashMap<>(state.secrets());
        for (Cluster c : herd.clusters().values()) {
            if (usesTls(c)) {
                EtcdPki pki = pkis.computeIfAbsent(c.name(), name -> EtcdPki.fromSecrets(state.secrets(), name)
                        .orElseGet(() -> EtcdPki.generate(herd.name(), name)));
                secrets = EtcdPki.clearSecrets(secrets, c.name());
                secrets.putAll(pki.toSecrets(c.name()));
            }
        }
        return secrets.equals(state.secrets()) ? state : state.withSecrets(secrets);
    }

    /** The PKI of a cluster, or null if it runs without TLS; {@code state} supplies it when not loaded yet. */
    synchronized EtcdPki pki(Cluster c, State state) {
        if (!usesTls(c)) {
            return null;
        }
        if (!pkis.containsKey(c.name())) {
            withPki(state);
        }
        return pkis.get(c.name());
    }

    synchronized void replace(String cluster, EtcdPki pki) {
        pkis.put(cluster, pki);
        contexts.remove(cluster);
    }

    /**
     * A TLS cluster's client identity, made once: health probes and membership calls share it, and with it the TLS
     * sessions they open (a member already met is met again with a short handshake). Null without TLS.
     */
    synchronized SSLContext clientContext(Cluster c, State state) {
        EtcdPki pki = pki(c, state);
        return pki == null ? null : contexts.computeIfAbsent(c.name(), name -> pki.clientContext());
    }

    /** Each TLS cluster's client identity, for health probes and membership calls. */
    Map<String, SSLContext> clientContexts(State state) {
        Map<String, SSLContext> tls = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            SSLContext context = clientContext(c, state);
            if (context != null) {
                tls.put(c.name(), context);
            }
        }
        return tls;
    }

    /**
     * Writes each TLS cluster's client files under {@code .drover/pki/CLUSTER/}. Files that trust none of the
     * certificates the new ones trust belong to another CA (a state that was lost and made anew): they are never
     * silently overwritten but kept beside, under a name that says which CA they were for.
     *
     * @param notes told about files moved aside
     */
    void writeClientFiles(Path workDir, State state, Consumer<String> notes) throws IOException {
        for (Cluster c : herd.clusters().values()) {
            EtcdPki pki = pki(c, state);
            if (pki == null) {
                continue;
            }
            Path dir = EtcdPki.clientFiles(workDir, c.name()).ca().getParent();
            Path ca = dir.resolve("ca.crt");
            if (Files.exists(ca)) {
                Set<String> before = certificates(Files.readString(ca));
                Set<String> after = certificates(pki.trustBundle());
                before.retainAll(after);
                if (before.isEmpty()) {
                    Path aside = dir.resolveSibling(c.name() + ".replaced-" + System.currentTimeMillis());
                    Files.move(dir, aside);
                    notes.accept("the client files of cluster '" + c.name() + "' were made for another CA; kept them in " + aside);
                }
            }
            pki.writeClientFiles(dir);
        }
    }

    /** The PEM certificates of a bundle, normalised. */
    private static Set<String> certificates(String bundle) {
        Set<String> certs = new LinkedHashSet<>();
        for (String part : bundle.split("-----END CERTIFICATE-----")) {
            int begin = part.indexOf("-----BEGIN CERTIFICATE-----");
            if (begin >= 0) {
                certs.add(part.substring(begin).replaceAll("\\s+", ""));
            }
        }
        return certs;
    }

    /** A TLS cluster's PKI as some other state (a backup, say) records it. */
    static Optional<EtcdPki> fromState(State other, String cluster) {
        return EtcdPki.fromSecrets(other.secrets(), cluster);
    }

    List<String> tlsClusters() {
        return herd.clusters().values().stream().filter(ClusterPkis::usesTls).map(Cluster::name).toList();
    }
}
