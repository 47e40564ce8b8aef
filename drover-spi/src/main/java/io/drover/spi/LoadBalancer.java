package io.drover.spi;

import java.util.List;
import java.util.Optional;

/**
 * A cluster's load balancer as it really is.
 *
 * @param address where clients connect, with {@code port}
 * @param running false when it exists but does not serve right now (the local provider's HAProxy killed and not yet
 *     restarted); {@link LoadBalancers#ensure} brings it back
 * @param members the pool, in no particular order
 */
public record LoadBalancer(String cluster, String id, String address, int port, boolean running, List<PoolMember> members) {
    public LoadBalancer {
        members = List.copyOf(members);
    }

    public Optional<PoolMember> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** {@code http://ADDRESS:PORT/}. */
    public String url() {
        return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/";
    }
}
