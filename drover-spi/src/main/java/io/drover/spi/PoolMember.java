package io.drover.spi;

import java.util.Objects;

/**
 * One server in a load balancer's pool, with its live counts.
 *
 * @param activeConnections connections (or requests) under way to it now: a drained member is done when this is 0
 * @param totalRequests requests (or connections) it served since it joined; -1 where the cloud does not count
 */
public record PoolMember(String name, String address, int port, State state, long activeConnections, long totalRequests) {
    public PoolMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Where a member stands.
     *
     * <ul>
     *   <li>READY: gets new requests.
     *   <li>DRAINING: gets no new requests, finishes those under way.
     *   <li>DOWN: the load balancer's own check fails it (or the cloud cannot say yet): gets nothing.
     * </ul>
     */
    public enum State { READY, DRAINING, DOWN }

    /** A server to put into a pool: its name (the member's name), address and port. */
    public record Target(String name, String address, int port) {
        public Target {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
        }
    }
}
