package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/** A Neutron subnet. */
public record Subnet(String id, String name, String networkId, String cidr, int ipVersion) {
    static Subnet from(JsonNode subnet) {
        return new Subnet(OpenStackJson.text(subnet, "id"), OpenStackJson.text(subnet, "name"), OpenStackJson.text(subnet, "network_id"),
                OpenStackJson.text(subnet, "cidr"), subnet.path("ip_version").asInt(4));
    }
}
