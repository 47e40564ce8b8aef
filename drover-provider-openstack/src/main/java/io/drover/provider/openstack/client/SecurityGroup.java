package io.drover.provider.openstack.client;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A Neutron security group with its rules. */
public record SecurityGroup(String id, String name, String description, List<SecurityGroupRule> rules) {
    public SecurityGroup {
        rules = List.copyOf(rules);
    }

    static SecurityGroup from(JsonNode group) {
        List<SecurityGroupRule> rules = new ArrayList<>();
        for (JsonNode rule : group.path("security_group_rules")) {
            rules.add(SecurityGroupRule.from(rule));
        }
        return new SecurityGroup(OpenStackJson.text(group, "id"), OpenStackJson.text(group, "name"), OpenStackJson.text(group, "description"), rules);
    }
}
