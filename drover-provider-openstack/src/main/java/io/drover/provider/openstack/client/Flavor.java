package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/** A Nova flavor. */
public record Flavor(String id, String name, int vcpus, int ramMb, int diskGb) {
    static Flavor from(JsonNode flavor) {
        return new Flavor(OpenStackJson.text(flavor, "id"), OpenStackJson.text(flavor, "name"), flavor.path("vcpus").asInt(0),
                flavor.path("ram").asInt(0), flavor.path("disk").asInt(0));
    }
}
