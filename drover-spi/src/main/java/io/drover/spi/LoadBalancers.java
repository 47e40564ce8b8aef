package io.drover.spi;

import java.util.List;
import java.util.Optional;

/**
 * The load balancers of one herd on one cloud: one per cluster that declares {@code loadBalancer:}, a stable endpoint
 * whose pool the engine keeps in step with the cluster's servers. Obtained from {@link Provider#loadBalancers()}; a
 * provider that has none gives empty and the herd file may not ask for one there.
 *
 * <p>Every call is idempotent and named by cluster, so that an apply killed at any point is finished by the next run:
 * {@link #ensure} adopts the load balancer an earlier run created, a member added twice is one member, draining or
 * removing a member that is not there does nothing. The pool itself is the record of who is in it: {@link #list()}
 * tells the engine what really is, as {@link Provider#list()} does for servers. The load balancer contract suite
 * ({@code io.drover.testkit.LoadBalancerContract}) holds every provider that offers one to these promises.
 */
public interface LoadBalancers {

    /**
     * Creates the cluster's load balancer, or adopts it (same address and port) when it exists; brings a load balancer
     * that is down back up (the local provider's HAProxy after a kill -9) with the members it had. Changes the listener
     * or the health check in place when the request differs. Returns once it accepts connections.
     */
    LoadBalancer ensure(LoadBalancerRequest request) throws ProviderException;

    /** Every load balancer of this herd with its pool and live counts, whatever the state says. */
    List<LoadBalancer> list() throws ProviderException;

    /** The load balancer of one cluster, if it exists. */
    default Optional<LoadBalancer> get(String cluster) throws ProviderException {
        return list().stream().filter(lb -> lb.cluster().equals(cluster)).findFirst();
    }

    /**
     * Puts a server into the pool, ready for traffic (the engine asks only once the server passed its own health check;
     * the load balancer's checks keep watching it). A member already there, even draining, is made ready again.
     */
    void addMember(String cluster, PoolMember.Target target) throws ProviderException;

    /**
     * Stops sending new requests to a member; requests and connections under way finish. Returns at once: the engine
     * watches {@link PoolMember#activeConnections()} fall and bounds the wait itself. A member that is not there: nothing.
     */
    void drainMember(String cluster, String name) throws ProviderException;

    /** Takes a member out of the pool at once. A member that is not there: nothing. */
    void removeMember(String cluster, String name) throws ProviderException;

    /**
     * Whether {@link PoolMember#activeConnections()} and {@link PoolMember#totalRequests()} are real counts. False where
     * the cloud counts per listener only (OpenStack Octavia): both are -1, and a drain lasts the cluster's whole drain
     * time, since nobody can tell when the member's last connection ended.
     */
    default boolean countsConnections() {
        return true;
    }

    /** Deletes the cluster's load balancer and everything under it; {@link #list()} no longer shows it. Absent: nothing. */
    void delete(String cluster) throws ProviderException;
}
