package io.drover.provider.openstack.client;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A Neutron port.
 *
 * @param deviceId the server it is attached to, or empty
 * @param fixedIps its fixed addresses
 */
public record Port(
        String id, String name, String description, String networkId, String deviceId, String status,
        List<String> fixedIps, List<String> securityGroupIds) {

    public Port {
        fixedIps = List.copyOf(fixedIps);
        securityGroupIds = List.copyOf(securityGroupIds);
    }

    static Port from(JsonNode port) {
        List<String> ips = new ArrayList<>();
        for (JsonNode ip : port.path("fixed_ips")) {
            ips.add(OpenStackJson.text(ip, "ip_address"));
        }
        return new Port(OpenStackJson.text(port, "id"), OpenStackJson.text(port, "name"), OpenStackJson.text(port, "description"),
                OpenStackJson.text(port, "network_id"), OpenStackJson.text(port, "device_id"), OpenStackJson.text(port, "status"), ips,
                OpenStackJson.strings(port, "security_groups"));
    }
}
