package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/** A Neutron floating IP; {@code portId} is null when it is not associated. */
public record FloatingIp(String id, String address, String networkId, String portId, String fixedIp, String description) {
    static FloatingIp from(JsonNode fip) {
        return new FloatingIp(OpenStackJson.text(fip, "id"), OpenStackJson.text(fip, "floating_ip_address"),
                OpenStackJson.text(fip, "floating_network_id"), OpenStackJson.text(fip, "port_id"), OpenStackJson.text(fip, "fixed_ip_address"),
                OpenStackJson.text(fip, "description"));
    }
}
