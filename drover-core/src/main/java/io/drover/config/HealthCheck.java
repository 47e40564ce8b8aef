package io.drover.config;

import java.time.Duration;

/**
 * How the engine tells a healthy server from a sick one.
 *
 * @param port for HTTP and TCP checks
 * @param path for HTTP checks
 * @param interval time between checks in {@code drover heal}
 * @param timeout one check's budget: a timeout counts as a failure (frozen or partitioned)
 * @param startTimeout how long a new server may take to become healthy before apply fails
 * @param failures consecutive failed checks before {@code drover heal} replaces a server
 */
public record HealthCheck(Type type, int port, String path, Duration interval, Duration timeout, Duration startTimeout, int failures) {

    public enum Type { ETCD, HTTP, TCP, PROCESS }

    public static HealthCheck defaultFor(Role role) {
        return new HealthCheck(
                role == Role.ETCD ? Type.ETCD : Type.PROCESS, 0, "/", Duration.ofMillis(250), Duration.ofMillis(500),
                Duration.ofSeconds(60), 3);
    }
}
