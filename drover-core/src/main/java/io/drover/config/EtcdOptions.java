package io.drover.config;

import java.util.Map;

/**
 * The {@code etcd:} block of a {@code role: etcd} cluster.
 *
 * @param flags extra etcd flags without the leading dashes, e.g. {@code heartbeat-interval: 100}
 * @param tls client and peer mutual TLS with certificates from the herd's own CA (the default)
 * @param container an etcd container image (e.g. {@code quay.io/coreos/etcd:v3.5.17}) run with docker, for images
 *     without an etcd binary such as Flatcar; {@code null} runs {@code /usr/bin/etcd} (Debian's etcd-server)
 * @param backup continuous backups of the cluster's data ({@code backup:}), or {@code null} for none; not part of a
 *     member's identity (turning backups on replaces no server)
 */
public record EtcdOptions(int clientPort, int peerPort, Map<String, String> flags, boolean tls, String container, BackupSpec backup) {
    public static final EtcdOptions DEFAULT = new EtcdOptions(2379, 2380, Map.of(), true, null);

    /** Options without backups. */
    public EtcdOptions(int clientPort, int peerPort, Map<String, String> flags, boolean tls, String container) {
        this(clientPort, peerPort, flags, tls, container, null);
    }

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return tls ? "https" : "http";
    }

    public EtcdOptions {
        flags = Map.copyOf(flags);
    }
}
