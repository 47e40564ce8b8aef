package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/** A Neutron subnet. */
public record Subnet(String id, String name, String networkId, String cidr, int ipVersion) {
    static Subnet from(JsonNode subnet) {
        return new Subnet(Json.text(subnet, "id"), Json.text(subnet, "name"), Json.text(subnet, "network_id"),
                Json.text(subnet, "cidr"), subnet.path("ip_version").asInt(4));
    }
}
