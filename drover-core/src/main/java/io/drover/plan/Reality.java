package io.drover.plan;

import io.drover.health.Health;
import io.drover.spi.Instance;
import java.util.List;
import java.util.Map;

/**
 * What is really there, as found by a refresh: the servers the providers list, the health of those whose health
 * decides something (adopted ones, tainted ones, etcd members), and each membership cluster's own member list.
 *
 * @param providerOf which provider listed each server, by instance id; a server missing here is on the herd's first
 * @param health by instance id; a server missing here was not probed
 * @param membership by cluster name; a cluster missing here has no membership or none of its members answered
 */
public record Reality(List<Instance> instances, Map<String, String> providerOf, Map<String, Health> health,
        Map<String, Membership> membership) {
    public Reality {
        instances = List.copyOf(instances);
        providerOf = Map.copyOf(providerOf);
        health = Map.copyOf(health);
        membership = Map.copyOf(membership);
    }

    public Reality(List<Instance> instances, Map<String, Health> health, Map<String, Membership> membership) {
        this(instances, Map.of(), health, membership);
    }

    /** Only the provider's list: nothing probed. */
    public static Reality of(List<Instance> instances) {
        return new Reality(instances, Map.of(), Map.of(), Map.of());
    }
}
