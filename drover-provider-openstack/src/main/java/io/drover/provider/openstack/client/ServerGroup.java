package io.drover.provider.openstack.client;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** A Nova server group: the scheduler places its members by {@code policy} (e.g. {@code anti-affinity}). */
public record ServerGroup(String id, String name, String policy, List<String> members) {
    public ServerGroup {
        members = List.copyOf(members);
    }

    static ServerGroup from(JsonNode group) {
        String policy = OpenStackJson.text(group, "policy");
        if (policy == null && group.path("policies").size() > 0) {
            policy = group.path("policies").get(0).asString(); // before microversion 2.64
        }
        return new ServerGroup(OpenStackJson.text(group, "id"), OpenStackJson.text(group, "name"), policy, OpenStackJson.strings(group, "members"));
    }
}
