package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterRole;
import io.drover.roles.EtcdPki;
import io.drover.roles.EtcdRole;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Makes the role of a cluster: what its servers add at boot and how their membership changes. {@link #REAL} (the
 * default of {@link Engine.Settings}) follows the herd file's {@code role:}; tests give a cluster another role here.
 */
@FunctionalInterface
public interface RoleFactory {
    ClusterRole role(Cluster cluster, Context context);

    /**
     * What a role may need besides its cluster.
     *
     * @param pki the cluster's PKI, or null when it runs without TLS
     * @param clientTls the cluster's client identity (made on first use), or null without TLS
     */
    record Context(String herd, Duration membershipDeadline, EtcdPki pki, Supplier<SSLContext> clientTls, Clock clock, Sleeper sleeper) {}

    /** The roles the herd file names: plain servers, or etcd members. */
    RoleFactory REAL = (c, context) -> switch (c.role()) {
        case PLAIN -> ClusterRole.PLAIN;
        case ETCD -> new EtcdRole(context.herd(), c, context.membershipDeadline(), context.pki(), context.clientTls(), context.clock(),
                context.sleeper());
    };
}
