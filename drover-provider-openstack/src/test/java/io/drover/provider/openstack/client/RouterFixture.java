package io.drover.provider.openstack.client;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * A Neutron router between an external network and a subnet, which floating IPs need. Drover itself does not
 * manage routers, so this test fixture talks to the API directly through the client's session.
 */
public record RouterFixture(OpenStackClient client, String routerId, String subnetId) {

    public static RouterFixture create(OpenStackClient client, String name, String externalNetworkId, String subnetId) {
        String body = "{\"router\": {\"name\": \"" + name + "\", \"external_gateway_info\": {\"network_id\": \""
                + externalNetworkId + "\"}}}";
        JsonNode router = send(client, "POST", "/routers", body);
        String id = router.at("/router/id").asString();
        send(client, "PUT", "/routers/" + id + "/add_router_interface", "{\"subnet_id\": \"" + subnetId + "\"}");
        return new RouterFixture(client, id, subnetId);
    }

    public void delete() {
        send(client, "PUT", "/routers/" + routerId + "/remove_router_interface", "{\"subnet_id\": \"" + subnetId + "\"}");
        send(client, "DELETE", "/routers/" + routerId, null);
    }

    private static JsonNode send(OpenStackClient client, String method, String path, String body) {
        ApiCall call = ApiCall.of(method, NeutronClient.versioned(client.session().endpoint("network")).resolve(
                NeutronClient.versioned(client.session().endpoint("network")).getPath() + path));
        if (body != null) {
            call = call.withBody("application/json", body.getBytes(StandardCharsets.UTF_8));
        }
        return ServiceClient.expectSuccess(call, client.session().send(call));
    }
}
