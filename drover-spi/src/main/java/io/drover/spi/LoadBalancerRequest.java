package io.drover.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a cluster's load balancer must be.
 *
 * @param port where clients connect (the local provider: on the load balancer's own loopback address)
 * @param targetPort the members' port traffic goes to
 * @param check how the load balancer checks each member itself, between the engine's changes
 * @param tags {@link Tags#HERD} and {@link Tags#CLUSTER}, for adoption
 */
public record LoadBalancerRequest(String cluster, int port, int targetPort, Check check, Map<String, String> tags) {
    public LoadBalancerRequest {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(check, "check");
        tags = Map.copyOf(tags);
    }

    /**
     * The load balancer's own member check.
     *
     * @param httpPath an HTTP GET of this path must answer 2xx/3xx; null for a TCP connect
     * @param port the port checked (the cluster's health check port, else the target port)
     * @param interval time between checks
     * @param failures consecutive failures before a member is down
     */
    public record Check(String httpPath, int port, Duration interval, int failures) {}
}
