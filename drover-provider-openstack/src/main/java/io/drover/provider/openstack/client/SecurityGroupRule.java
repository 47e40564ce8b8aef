package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/**
 * A Neutron security group rule. A null protocol, port or prefix means "any".
 *
 * @param direction {@code ingress} or {@code egress}
 * @param ethertype {@code IPv4} or {@code IPv6}
 */
public record SecurityGroupRule(
        String id, String securityGroupId, String direction, String ethertype, String protocol,
        Integer portMin, Integer portMax, String remoteIpPrefix) {

    /** A rule to create: TCP ingress to one port from one CIDR. */
    public static SecurityGroupRule tcpIngress(String securityGroupId, int port, String cidr) {
        return new SecurityGroupRule(null, securityGroupId, "ingress", cidr.contains(":") ? "IPv6" : "IPv4", "tcp",
                port, port, cidr);
    }

    /** Whether this rule admits the same traffic as {@code other}, ids aside. */
    public boolean sameAs(SecurityGroupRule other) {
        return direction.equals(other.direction) && ethertype.equals(other.ethertype)
                && java.util.Objects.equals(protocol, other.protocol)
                && java.util.Objects.equals(portMin, other.portMin)
                && java.util.Objects.equals(portMax, other.portMax)
                && java.util.Objects.equals(remoteIpPrefix, other.remoteIpPrefix);
    }

    static SecurityGroupRule from(JsonNode rule) {
        return new SecurityGroupRule(OpenStackJson.text(rule, "id"), OpenStackJson.text(rule, "security_group_id"),
                OpenStackJson.text(rule, "direction"), OpenStackJson.text(rule, "ethertype"), OpenStackJson.text(rule, "protocol"),
                integer(rule, "port_range_min"), integer(rule, "port_range_max"), OpenStackJson.text(rule, "remote_ip_prefix"));
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asInt() : null;
    }
}
