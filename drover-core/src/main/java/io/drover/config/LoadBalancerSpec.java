package io.drover.config;

import java.time.Duration;

/**
 * A cluster's {@code loadBalancer:} block: a stable endpoint in front of the cluster's servers, whose pool follows every
 * change Drover makes (see docs/load-balancer.md).
 *
 * @param port where clients connect
 * @param targetPort the servers' port requests go to (default: the health check's port)
 * @param drain how long a server going away may finish the requests under way before it is taken out anyway
 * @param provider the provider the load balancer lives on; null for the cluster's own. Named apart from the cluster's,
 *     it stays there when the cluster moves to another provider, so its address (the {@code lb_url}) does not change
 */
public record LoadBalancerSpec(int port, int targetPort, Duration drain, SourcePosition position, String provider) {
    public LoadBalancerSpec(int port, int targetPort, Duration drain, SourcePosition position) {
        this(port, targetPort, drain, position, null);
    }

    /** The provider the load balancer lives on, given the one the cluster runs on. */
    public String home(String clusterProvider) {
        return provider != null ? provider : clusterProvider;
    }

    /** The longest drain Drover accepts: beyond it a rolling replacement of a few servers would take hours. */
    public static final Duration MAX_DRAIN = Duration.ofMinutes(15);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);
}
