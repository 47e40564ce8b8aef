package io.drover.provider.openstack.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Octavia (load-balancer v2): load balancers, listeners, pools, health monitors, members. Every write answers at once
 * with {@code PENDING_*} and the worker finishes it later; meanwhile further writes to the same load balancer get 409.
 * Waiting for ACTIVE is the caller's job ({@code OctaviaLoadBalancers}), which knows its deadline.
 */
public final class OctaviaClient extends ServiceClient {
    private static final String LBAAS = "/lbaas";

    OctaviaClient(OpenStackSession session) {
        super(session, () -> versioned(session.endpoint("load-balancer")), Map.of());
    }

    /** The catalog names Octavia's root ({@code http://host:9876}); the API lives under {@code /v2}. */
    static URI versioned(URI endpoint) {
        String url = endpoint.toString().replaceAll("/+$", "");
        return URI.create(url.endsWith("/v2") || url.endsWith("/v2.0") ? url : url + "/v2");
    }

    /** A load balancer as Octavia shows it. */
    public record LoadBalancer(String id, String name, String description, String vipAddress, String provisioningStatus, boolean adminStateUp) {
        static LoadBalancer from(JsonNode n) {
            return new LoadBalancer(OpenStackJson.text(n, "id"), OpenStackJson.text(n, "name"), OpenStackJson.text(n, "description"),
                    OpenStackJson.text(n, "vip_address"), OpenStackJson.text(n, "provisioning_status"), n.path("admin_state_up").asBoolean(true));
        }
    }

    /** A listener: where clients connect. */
    public record Listener(String id, int protocolPort, String defaultPoolId) {
        static Listener from(JsonNode n) {
            return new Listener(OpenStackJson.text(n, "id"), n.path("protocol_port").asInt(), OpenStackJson.text(n, "default_pool_id"));
        }
    }

    /** A pool, with its health monitor's id (null when it has none). */
    public record Pool(String id, String name, String description, String healthMonitorId) {
        static Pool from(JsonNode n) {
            return new Pool(OpenStackJson.text(n, "id"), OpenStackJson.text(n, "name"), OpenStackJson.text(n, "description"),
                    OpenStackJson.text(n, "healthmonitor_id"));
        }
    }

    /**
     * A health monitor.
     *
     * @param urlPath the HTTP path checked; null for a TCP connect
     */
    public record HealthMonitor(String id, String type, int delay, int timeout, int maxRetries, String urlPath) {
        static HealthMonitor from(JsonNode n) {
            return new HealthMonitor(OpenStackJson.text(n, "id"), OpenStackJson.text(n, "type"), n.path("delay").asInt(),
                    n.path("timeout").asInt(), n.path("max_retries").asInt(), OpenStackJson.text(n, "url_path"));
        }
    }

    /**
     * A pool member.
     *
     * @param weight 0 means drained: no new connections, those under way finish
     * @param monitorPort the port the health monitor checks, or 0 for the member's own port
     * @param operatingStatus ONLINE, OFFLINE, ERROR, DRAINING, NO_MONITOR (what the amphorae report)
     */
    public record Member(String id, String name, String address, int protocolPort, int weight, int monitorPort, String operatingStatus) {
        static Member from(JsonNode n) {
            return new Member(OpenStackJson.text(n, "id"), OpenStackJson.text(n, "name"), OpenStackJson.text(n, "address"),
                    n.path("protocol_port").asInt(), n.path("weight").asInt(1), n.path("monitor_port").asInt(0),
                    OpenStackJson.text(n, "operating_status"));
        }
    }

    // ---- load balancers

    public List<LoadBalancer> listLoadBalancers() {
        List<LoadBalancer> all = new ArrayList<>();
        for (JsonNode n : listAll(LBAAS + "/loadbalancers", "loadbalancers")) {
            all.add(LoadBalancer.from(n));
        }
        return all;
    }

    public Optional<LoadBalancer> findLoadBalancer(String id) {
        return find(LBAAS + "/loadbalancers/" + encode(id)).map(n -> LoadBalancer.from(n.path("loadbalancer")));
    }

    /** Creates a load balancer with its VIP on a network's subnet; a lost answer is looked up by name and description. */
    public LoadBalancer createLoadBalancer(String name, String description, List<String> tags, String networkId, String subnetId) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode lb = body.putObject("loadbalancer");
        lb.put("name", name);
        lb.put("description", description);
        lb.put("vip_network_id", networkId);
        lb.put("vip_subnet_id", subnetId);
        tags.forEach(lb.putArray("tags")::add);
        JsonNode created = post(LBAAS + "/loadbalancers", body, () -> listLoadBalancers().stream()
                .filter(l -> name.equals(l.name()) && description.equals(l.description())).findFirst()
                .map(l -> get(LBAAS + "/loadbalancers/" + encode(l.id()))));
        return LoadBalancer.from(created.path("loadbalancer"));
    }

    public void setLoadBalancerAdminState(String id, boolean up) {
        ObjectNode body = OpenStackJson.object();
        body.putObject("loadbalancer").put("admin_state_up", up);
        put(LBAAS + "/loadbalancers/" + encode(id), body);
    }

    /** Deletes a load balancer with its listeners, pools, monitors and members ({@code cascade}); absent: nothing. */
    public void deleteLoadBalancerCascade(String id) {
        delete(LBAAS + "/loadbalancers/" + encode(id) + "?cascade=true");
    }

    // ---- listeners

    public List<Listener> listListeners(String loadBalancerId) {
        List<Listener> all = new ArrayList<>();
        for (JsonNode n : listAll(LBAAS + "/listeners?loadbalancer_id=" + encode(loadBalancerId), "listeners")) {
            all.add(Listener.from(n));
        }
        return all;
    }

    /** A TCP listener on a port, sending to a pool. */
    public Listener createListener(String loadBalancerId, String name, int port, String poolId) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode l = body.putObject("listener");
        l.put("loadbalancer_id", loadBalancerId);
        l.put("name", name);
        l.put("protocol", "TCP");
        l.put("protocol_port", port);
        l.put("default_pool_id", poolId);
        JsonNode created = post(LBAAS + "/listeners", body, () -> listListeners(loadBalancerId).stream()
                .filter(x -> x.protocolPort() == port).findFirst().map(x -> get(LBAAS + "/listeners/" + encode(x.id()))));
        return Listener.from(created.path("listener"));
    }

    public void deleteListener(String id) {
        delete(LBAAS + "/listeners/" + encode(id));
    }

    // ---- pools and health monitors

    public List<Pool> listPools(String loadBalancerId) {
        List<Pool> all = new ArrayList<>();
        for (JsonNode n : listAll(LBAAS + "/pools?loadbalancer_id=" + encode(loadBalancerId), "pools")) {
            all.add(Pool.from(n));
        }
        return all;
    }

    /** A round-robin TCP pool of the load balancer (a listener picks it as its default pool). */
    public Pool createPool(String loadBalancerId, String name, String description) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode p = body.putObject("pool");
        p.put("loadbalancer_id", loadBalancerId);
        p.put("name", name);
        p.put("description", description);
        p.put("protocol", "TCP");
        p.put("lb_algorithm", "ROUND_ROBIN");
        JsonNode created = post(LBAAS + "/pools", body, () -> listPools(loadBalancerId).stream()
                .filter(x -> name.equals(x.name())).findFirst().map(x -> get(LBAAS + "/pools/" + encode(x.id()))));
        return Pool.from(created.path("pool"));
    }

    public void setPoolDescription(String id, String description) {
        ObjectNode body = OpenStackJson.object();
        body.putObject("pool").put("description", description);
        put(LBAAS + "/pools/" + encode(id), body);
    }

    public Optional<HealthMonitor> findHealthMonitor(String id) {
        return find(LBAAS + "/healthmonitors/" + encode(id)).map(n -> HealthMonitor.from(n.path("healthmonitor")));
    }

    public void createHealthMonitor(String poolId, HealthMonitor monitor) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode m = monitorBody(body, monitor);
        m.put("pool_id", poolId);
        m.put("type", monitor.type());
        post(LBAAS + "/healthmonitors", body, () -> find(LBAAS + "/pools/" + encode(poolId))
                .map(p -> OpenStackJson.text(p.path("pool"), "healthmonitor_id"))
                .flatMap(id -> find(LBAAS + "/healthmonitors/" + encode(id))));
    }

    /** Changes delay, timeout, retries and path in place (the type cannot change: delete and create for that). */
    public void updateHealthMonitor(String id, HealthMonitor monitor) {
        ObjectNode body = OpenStackJson.object();
        monitorBody(body, monitor);
        put(LBAAS + "/healthmonitors/" + encode(id), body);
    }

    public void deleteHealthMonitor(String id) {
        delete(LBAAS + "/healthmonitors/" + encode(id));
    }

    private static ObjectNode monitorBody(ObjectNode body, HealthMonitor monitor) {
        ObjectNode m = body.putObject("healthmonitor");
        m.put("delay", monitor.delay());
        m.put("timeout", monitor.timeout());
        m.put("max_retries", monitor.maxRetries());
        if (monitor.urlPath() != null) {
            m.put("url_path", monitor.urlPath());
            m.put("http_method", "GET");
            m.put("expected_codes", "200-399");
        }
        return m;
    }

    // ---- members

    public List<Member> listMembers(String poolId) {
        List<Member> all = new ArrayList<>();
        for (JsonNode n : listAll(LBAAS + "/pools/" + encode(poolId) + "/members", "members")) {
            all.add(Member.from(n));
        }
        return all;
    }

    public void createMember(String poolId, String name, String address, int port, int monitorPort) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode m = body.putObject("member");
        m.put("name", name);
        m.put("address", address);
        m.put("protocol_port", port);
        m.put("weight", 1);
        if (monitorPort != port) {
            m.put("monitor_port", monitorPort);
        }
        post(LBAAS + "/pools/" + encode(poolId) + "/members", body, () -> listMembers(poolId).stream()
                .filter(x -> name.equals(x.name())).findFirst()
                .map(x -> get(LBAAS + "/pools/" + encode(poolId) + "/members/" + encode(x.id()))));
    }

    public void setMemberWeight(String poolId, String memberId, int weight) {
        ObjectNode body = OpenStackJson.object();
        body.putObject("member").put("weight", weight);
        put(LBAAS + "/pools/" + encode(poolId) + "/members/" + encode(memberId), body);
    }

    public void deleteMember(String poolId, String memberId) {
        delete(LBAAS + "/pools/" + encode(poolId) + "/members/" + encode(memberId));
    }
}
