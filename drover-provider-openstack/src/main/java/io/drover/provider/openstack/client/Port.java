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
            ips.add(Json.text(ip, "ip_address"));
        }
        return new Port(Json.text(port, "id"), Json.text(port, "name"), Json.text(port, "description"),
                Json.text(port, "network_id"), Json.text(port, "device_id"), Json.text(port, "status"), ips,
                Json.strings(port, "security_groups"));
    }
}
