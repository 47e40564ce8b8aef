package io.drover.provider.openstack.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A Nova server as {@code GET /servers/{id}} shows it.
 *
 * @param fixedIps the fixed addresses in {@code addresses}, in the order Nova lists them
 * @param floatingIps the floating addresses in {@code addresses} (Nova shows one a second or so after Neutron
 *     associates it with the server's port)
 * @param fault the fault message of a server in ERROR, or null
 * @param userData base64 user data; only admins see it ({@code OS-EXT-SRV-ATTR:user_data}, microversion 2.3+)
 */
public record Server(
        String id,
        String name,
        String status,
        Map<String, String> metadata,
        List<String> tags,
        List<String> fixedIps,
        List<String> floatingIps,
        Instant created,
        String fault,
        String userData) {

    public Server {
        metadata = Map.copyOf(metadata);
        tags = List.copyOf(tags);
        fixedIps = List.copyOf(fixedIps);
        floatingIps = List.copyOf(floatingIps);
    }

    static Server from(JsonNode server) {
        List<String> fixed = new ArrayList<>();
        List<String> floating = new ArrayList<>();
        for (JsonNode network : server.path("addresses").values()) {
            for (JsonNode address : network) {
                String type = OpenStackJson.text(address, "OS-EXT-IPS:type");
                if (type == null || type.equals("fixed")) {
                    fixed.add(OpenStackJson.text(address, "addr"));
                } else if (type.equals("floating")) {
                    floating.add(OpenStackJson.text(address, "addr"));
                }
            }
        }
        return new Server(
                OpenStackJson.text(server, "id"),
                OpenStackJson.text(server, "name"),
                OpenStackJson.text(server, "status"),
                OpenStackJson.stringMap(server, "metadata"),
                OpenStackJson.strings(server, "tags"),
                fixed,
                floating,
                OpenStackJson.instant(OpenStackJson.text(server, "created")),
                OpenStackJson.text(server.path("fault"), "message"),
                OpenStackJson.text(server, "OS-EXT-SRV-ATTR:user_data"));
    }
}
