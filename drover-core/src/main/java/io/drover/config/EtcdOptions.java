package io.drover.config;

import java.util.Map;

/**
 * The {@code etcd:} block of a {@code role: etcd} cluster.
 *
 * @param flags extra etcd flags without the leading dashes, e.g. {@code heartbeat-interval: 100}
 */
public record EtcdOptions(int clientPort, int peerPort, Map<String, String> flags) {
    public static final EtcdOptions DEFAULT = new EtcdOptions(2379, 2380, Map.of());

    public EtcdOptions {
        flags = Map.copyOf(flags);
    }
}
