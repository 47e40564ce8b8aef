package io.drover.view;

import io.drover.config.Cluster;
import java.util.List;

/**
 * A cluster and its recorded servers. A cluster the state still records but the herd file no longer has (or a
 * herd file that could not be read) has only a name and servers.
 *
 * @param healthy member servers (spares not counted) whose health is {@code up}; {@code null} when health was not checked
 * @param leader the etcd leader's server name; {@code null} when none is known or raft status was not asked
 * @param loadBalancer the cluster's load balancer; {@code null} when it has none
 */
public record ClusterView(
        String name, String role, Integer size, String image, String check, Integer healthy, String leader, List<ServerView> servers,
        LoadBalancerView loadBalancer) {

    public ClusterView {
        servers = List.copyOf(servers);
    }

    /** @param c the herd file's cluster, {@code null} when the herd file has none of this name */
    public static ClusterView of(String name, Cluster c, List<ServerView> servers) {
        boolean checked = servers.stream().anyMatch(s -> s.health() != null);
        Integer healthy = checked ? (int) servers.stream().filter(s -> !Boolean.TRUE.equals(s.spare()) && s.health() != null && s.health().isUp()).count() : null;
        String leader = servers.stream().filter(s -> s.etcd() != null && "leader".equals(s.etcd().role())).map(ServerView::name)
                .findFirst().orElse(null);
        if (c == null) {
            return new ClusterView(name, null, null, null, null, healthy, leader, servers, null);
        }
        return new ClusterView(name, c.role().name().toLowerCase(), c.size(), c.image(), c.health().type().name().toLowerCase(), healthy,
                leader, servers, c.loadBalancer() == null ? null : LoadBalancerView.declared(c.loadBalancer()));
    }

    /** This cluster with its load balancer as the provider has it now. */
    public ClusterView withLoadBalancer(LoadBalancerView live) {
        return new ClusterView(name, role, size, image, check, healthy, leader, servers, live);
    }
}
