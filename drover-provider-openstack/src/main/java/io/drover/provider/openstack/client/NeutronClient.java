package io.drover.provider.openstack.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Neutron (network v2.0): networks, subnets, ports, security groups and rules, floating IPs. */
public final class NeutronClient extends ServiceClient {

    NeutronClient(OpenStackSession session) {
        super(session, () -> versioned(session.endpoint("network")), Map.of());
    }

    /** The catalog names Neutron's root ({@code http://host:9696}); the API lives under {@code /v2.0}. */
    static URI versioned(URI endpoint) {
        String url = endpoint.toString().replaceAll("/+$", "");
        return URI.create(url.endsWith("/v2.0") ? url : url + "/v2.0");
    }

    // ---- networks and subnets

    public List<Network> listNetworks(String name) {
        List<Network> networks = new ArrayList<>();
        for (JsonNode node : listAll("/networks" + (name == null ? "" : "?name=" + encode(name)), "networks")) {
            networks.add(Network.from(node));
        }
        return networks;
    }

    /** A network by id, else by its unique name. */
    public Network findNetwork(String nameOrId) {
        Optional<JsonNode> byId = nameOrId.matches("[0-9a-fA-F-]{32,36}")
                ? find("/networks/" + encode(nameOrId))
                : Optional.empty();
        if (byId.isPresent()) {
            return Network.from(byId.get().path("network"));
        }
        List<Network> byName = listNetworks(nameOrId);
        if (byName.size() == 1) {
            return byName.get(0);
        }
        throw new OpenStackException(byName.isEmpty()
                ? "Network '" + nameOrId + "' does not exist. List the networks with 'openstack network list' and set 'network' to one of them."
                : "Network name '" + nameOrId + "' is ambiguous (" + byName.size() + " networks). Use the network's id.",
                byName.isEmpty() ? 404 : 409, false, null);
    }

    public Network createNetwork(String name) {
        return createNetwork(name, Map.of());
    }

    /**
     * Creates a network with extra attributes, e.g. {@code router:external=true},
     * {@code provider:network_type=flat}, {@code provider:physical_network=public} for an external network
     * (admin only). Values are strings, booleans or numbers.
     */
    public Network createNetwork(String name, Map<String, Object> attributes) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode network = body.putObject("network");
        network.put("name", name);
        attributes.forEach((key, value) -> network.set(key, OpenStackJson.MAPPER.valueToTree(value)));
        JsonNode created = post("/networks", body, () -> listNetworks(name).stream().findFirst()
                .map(n -> get("/networks/" + encode(n.id()))));
        return Network.from(created.path("network"));
    }

    public void deleteNetwork(String id) {
        delete("/networks/" + encode(id));
    }

    public List<Subnet> listSubnets(String networkId) {
        List<Subnet> subnets = new ArrayList<>();
        for (JsonNode node : listAll("/subnets?network_id=" + encode(networkId), "subnets")) {
            subnets.add(Subnet.from(node));
        }
        return subnets;
    }

    public Subnet createSubnet(String networkId, String name, String cidr) {
        return createSubnet(networkId, name, cidr, Map.of());
    }

    /** Creates a subnet with extra attributes, e.g. {@code enable_dhcp=false} (which Neutron needs for a loopback range). */
    public Subnet createSubnet(String networkId, String name, String cidr, Map<String, Object> attributes) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode subnet = body.putObject("subnet");
        subnet.put("network_id", networkId);
        subnet.put("name", name);
        subnet.put("cidr", cidr);
        subnet.put("ip_version", cidr.contains(":") ? 6 : 4);
        attributes.forEach((key, value) -> subnet.set(key, OpenStackJson.MAPPER.valueToTree(value)));
        JsonNode created = post("/subnets", body, () -> listSubnets(networkId).stream()
                .filter(s -> name.equals(s.name()) && cidr.equals(s.cidr())).findFirst()
                .map(s -> get("/subnets/" + encode(s.id()))));
        return Subnet.from(created.path("subnet"));
    }

    public void deleteSubnet(String id) {
        delete("/subnets/" + encode(id));
    }

    // ---- ports

    /**
     * Creates a port. An unknown outcome is resolved by looking for a port with the same network, name and
     * description before retrying, so callers that give ports unique names never get two.
     */
    public Port createPort(PortSpec spec) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode port = body.putObject("port");
        port.put("network_id", spec.networkId());
        port.put("name", spec.name());
        if (spec.description() != null) {
            port.put("description", spec.description());
        }
        if (!spec.securityGroupIds().isEmpty()) {
            // An empty list would mean "no security group at all"; absent means the project's default group.
            ArrayNode groups = port.putArray("security_groups");
            spec.securityGroupIds().forEach(groups::add);
        }
        if (spec.fixedIp() != null) {
            port.putArray("fixed_ips").addObject().put("ip_address", spec.fixedIp());
        }
        JsonNode created = post("/ports", body, () -> listPorts(PortQuery.named(spec.networkId(), spec.name())).stream()
                .filter(p -> Objects.equals(p.description(), spec.description()))
                .findFirst()
                .map(p -> get("/ports/" + encode(p.id()))));
        return Port.from(created.path("port"));
    }

    public Optional<Port> getPort(String id) {
        return find("/ports/" + encode(id)).map(json -> Port.from(json.path("port")));
    }

    public List<Port> listPorts(PortQuery query) {
        List<Port> ports = new ArrayList<>();
        for (JsonNode node : listAll("/ports" + query.toQueryString(), "ports")) {
            ports.add(Port.from(node));
        }
        return ports;
    }

    public void deletePort(String id) {
        delete("/ports/" + encode(id));
    }

    /** Replaces a port's security groups (idempotent, so a lost answer is simply retried). */
    public Port setSecurityGroups(String portId, List<String> securityGroupIds) {
        ObjectNode body = OpenStackJson.object();
        ArrayNode groups = body.putObject("port").putArray("security_groups");
        securityGroupIds.forEach(groups::add);
        return Port.from(put("/ports/" + encode(portId), body).path("port"));
    }

    /** Replaces a port's description (Drover's ownership marker lives there). */
    public Port setDescription(String portId, String description) {
        ObjectNode body = OpenStackJson.object();
        body.putObject("port").put("description", description);
        return Port.from(put("/ports/" + encode(portId), body).path("port"));
    }

    /** A port list filter; null fields do not filter. */
    public record PortQuery(String networkId, String name, String deviceId) {
        public static PortQuery named(String networkId, String name) {
            return new PortQuery(networkId, name, null);
        }

        public static PortQuery ofDevice(String deviceId) {
            return new PortQuery(null, null, deviceId);
        }

        String toQueryString() {
            List<String> params = new ArrayList<>();
            if (networkId != null) {
                params.add("network_id=" + encode(networkId));
            }
            if (name != null) {
                params.add("name=" + encode(name));
            }
            if (deviceId != null) {
                params.add("device_id=" + encode(deviceId));
            }
            return params.isEmpty() ? "" : "?" + String.join("&", params);
        }
    }

    // ---- security groups

    public List<SecurityGroup> listSecurityGroups(String name) {
        List<SecurityGroup> groups = new ArrayList<>();
        for (JsonNode node : listAll("/security-groups" + (name == null ? "" : "?name=" + encode(name)), "security_groups")) {
            groups.add(SecurityGroup.from(node));
        }
        return groups;
    }

    public Optional<SecurityGroup> getSecurityGroup(String id) {
        return find("/security-groups/" + encode(id)).map(json -> SecurityGroup.from(json.path("security_group")));
    }

    /** Creates a security group (with Neutron's default egress rules); lost responses are resolved by name. */
    public SecurityGroup createSecurityGroup(String name, String description) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode group = body.putObject("security_group");
        group.put("name", name);
        group.put("description", description == null ? "" : description);
        JsonNode created = post("/security-groups", body, () -> listSecurityGroups(name).stream()
                .filter(g -> Objects.equals(g.description(), description == null ? "" : description))
                .findFirst()
                .map(g -> get("/security-groups/" + encode(g.id()))));
        return SecurityGroup.from(created.path("security_group"));
    }

    public void deleteSecurityGroup(String id) {
        delete("/security-groups/" + encode(id));
    }

    /** Adds a rule; a rule that already exists (Neutron answers 409) is returned instead. */
    public SecurityGroupRule createRule(SecurityGroupRule rule) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode node = body.putObject("security_group_rule");
        node.put("security_group_id", rule.securityGroupId());
        node.put("direction", rule.direction());
        node.put("ethertype", rule.ethertype());
        if (rule.protocol() != null) {
            node.put("protocol", rule.protocol());
        }
        if (rule.portMin() != null) {
            node.put("port_range_min", rule.portMin());
        }
        if (rule.portMax() != null) {
            node.put("port_range_max", rule.portMax());
        }
        if (rule.remoteIpPrefix() != null) {
            node.put("remote_ip_prefix", rule.remoteIpPrefix());
        }
        ApiCall.Lookup lookup = () -> existingRule(rule).map(r -> {
            ObjectNode wrapper = OpenStackJson.object();
            wrapper.set("security_group_rule", get("/security-group-rules/" + encode(r.id())).path("security_group_rule"));
            return wrapper;
        });
        ApiCall call = call("POST", "/security-group-rules").withBody("application/json", OpenStackJson.bytes(body)).withLookup(lookup);
        ApiResponse response = send(call);
        if (response.status() == 409) {
            Optional<SecurityGroupRule> existing = existingRule(rule);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        return SecurityGroupRule.from(expectSuccess(call, response).path("security_group_rule"));
    }

    private Optional<SecurityGroupRule> existingRule(SecurityGroupRule wanted) {
        return getSecurityGroup(wanted.securityGroupId()).stream()
                .flatMap(g -> g.rules().stream())
                .filter(r -> r.sameAs(wanted))
                .findFirst();
    }

    public void deleteRule(String id) {
        delete("/security-group-rules/" + encode(id));
    }

    // ---- floating IPs

    /**
     * Allocates a floating IP from an external network. With a description, an unknown outcome is resolved
     * by looking for an unassociated floating IP with that description; without one, it is not retried.
     */
    public FloatingIp createFloatingIp(String externalNetworkId, String description) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode fip = body.putObject("floatingip");
        fip.put("floating_network_id", externalNetworkId);
        if (description != null) {
            fip.put("description", description);
        }
        ApiCall.Lookup lookup = description == null ? null : () -> listFloatingIps(null).stream()
                .filter(f -> description.equals(f.description()) && externalNetworkId.equals(f.networkId()))
                .findFirst()
                .map(f -> get("/floatingips/" + encode(f.id())));
        return FloatingIp.from(post("/floatingips", body, lookup).path("floatingip"));
    }

    /** Associates a floating IP with a port (PUT: repeatable), or dissociates it when {@code portId} is null. */
    public FloatingIp associateFloatingIp(String floatingIpId, String portId) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode fip = body.putObject("floatingip");
        if (portId == null) {
            fip.putNull("port_id");
        } else {
            fip.put("port_id", portId);
        }
        return FloatingIp.from(put("/floatingips/" + encode(floatingIpId), body).path("floatingip"));
    }

    public List<FloatingIp> listFloatingIps(String portId) {
        List<FloatingIp> fips = new ArrayList<>();
        for (JsonNode node : listAll("/floatingips" + (portId == null ? "" : "?port_id=" + encode(portId)), "floatingips")) {
            fips.add(FloatingIp.from(node));
        }
        return fips;
    }

    public void deleteFloatingIp(String id) {
        delete("/floatingips/" + encode(id));
    }
}
