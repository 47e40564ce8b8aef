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
        Instant created,
        String fault,
        String userData) {

    public Server {
        metadata = Map.copyOf(metadata);
        tags = List.copyOf(tags);
        fixedIps = List.copyOf(fixedIps);
    }

    static Server from(JsonNode server) {
        List<String> fixed = new ArrayList<>();
        for (JsonNode network : server.path("addresses").values()) {
            for (JsonNode address : network) {
                String type = Json.text(address, "OS-EXT-IPS:type");
                if (type == null || type.equals("fixed")) {
                    fixed.add(Json.text(address, "addr"));
                }
            }
        }
        return new Server(
                Json.text(server, "id"),
                Json.text(server, "name"),
                Json.text(server, "status"),
                Json.stringMap(server, "metadata"),
                Json.strings(server, "tags"),
                fixed,
                Json.instant(Json.text(server, "created")),
                Json.text(server.path("fault"), "message"),
                Json.text(server, "OS-EXT-SRV-ATTR:user_data"));
    }
}
