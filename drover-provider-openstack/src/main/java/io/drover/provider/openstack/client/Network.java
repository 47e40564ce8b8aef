package io.drover.provider.openstack.client;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** A Neutron network. */
public record Network(String id, String name, List<String> subnetIds, boolean external, boolean shared) {
    public Network {
        subnetIds = List.copyOf(subnetIds);
    }

    static Network from(JsonNode network) {
        return new Network(OpenStackJson.text(network, "id"), OpenStackJson.text(network, "name"), OpenStackJson.strings(network, "subnets"),
                network.path("router:external").asBoolean(false), network.path("shared").asBoolean(false));
    }
}
