package io.drover.provider.openstack;

import io.drover.provider.openstack.client.Network;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.OpenStackException;
import io.drover.provider.openstack.client.Port;
import io.drover.provider.openstack.client.NeutronClient.PortQuery;
import io.drover.provider.openstack.client.SecurityGroup;
import io.drover.provider.openstack.client.SecurityGroupRule;
import io.drover.provider.openstack.client.ServerGroup;
import io.drover.provider.openstack.client.Subnet;
import io.drover.spi.ClusterRequest;
import io.drover.spi.ProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster-wide resources of a cluster, both named {@code <herd>-<cluster>}: a Nova server group that spreads
 * its servers over hosts, and a Neutron security group that opens the cluster's ports (and SSH) to the cluster's
 * own network only. Everything is adopted by name when it exists, so running twice changes nothing.
 */
final class ClusterResources {
    static final int SSH = 22;

    private final String herd;
    private final OpenStackClient client;
    private final OpenStackSettings settings;
    private final Poller poller;

    ClusterResources(String herd, OpenStackClient client, OpenStackSettings settings, Poller poller) {
        this.herd = herd;
        this.client = client;
        this.settings = settings;
        this.poller = poller;
    }

    synchronized void ensure(ClusterRequest request) throws ProviderException {
        Ownership owner = new Ownership(herd, request.name());
        ClusterOptions options = ClusterOptions.from(request.options());
        ensureSecurityGroup(owner, options, request.openPorts());
        ensureServerGroup(owner, request.antiAffinity(), options.serverGroupPolicy());
    }

    private void ensureSecurityGroup(Ownership owner, ClusterOptions options, List<Integer> openPorts) throws ProviderException {
        List<String> cidrs = allowedCidrs(options);
        SecurityGroup group = findSecurityGroup(owner)
                .orElseGet(() -> client.neutron().createSecurityGroup(owner.clusterResourceName(), owner.description()));
        Set<Integer> ports = new TreeSet<>(openPorts);
        ports.add(SSH);
        List<SecurityGroupRule> wanted = new ArrayList<>();
        for (int port : ports) {
            for (String cidr : cidrs) {
                wanted.add(SecurityGroupRule.tcpIngress(group.id(), port, cidr));
            }
        }
        // Ingress rules are Drover's to manage: drop stale ones (a port no longer open), add missing ones.
        for (SecurityGroupRule existing : group.rules()) {
            if ("ingress".equals(existing.direction()) && wanted.stream().noneMatch(existing::sameAs)) {
                client.neutron().deleteRule(existing.id());
            }
        }
        for (SecurityGroupRule rule : wanted) {
            if (group.rules().stream().noneMatch(rule::sameAs)) {
                client.neutron().createRule(rule);
            }
        }
    }

    private List<String> allowedCidrs(ClusterOptions options) throws ProviderException {
        if (options.securityGroupCidr() != null) {
            return List.of(options.securityGroupCidr());
        }
        String networkName = options.networkOr(settings.network());
        Network network = client.neutron().findNetwork(networkName);
        List<String> cidrs = client.neutron().listSubnets(network.id()).stream().map(Subnet::cidr).distinct().toList();
        if (cidrs.isEmpty()) {
            throw new ProviderException("Network '" + networkName + "' has no subnet, so there is no CIDR to open the "
                    + "cluster's ports to. Add a subnet or set the cluster setting 'securityGroupCidr'.");
        }
        return cidrs;
    }

    private void ensureServerGroup(Ownership owner, boolean antiAffinity, String policy) throws ProviderException {
        if (!ClusterOptions.POLICIES.contains(policy)) {
            throw new ProviderException("serverGroupPolicy '" + policy + "' is not supported; use anti-affinity or soft-anti-affinity.");
        }
        Optional<ServerGroup> existing = client.nova().findServerGroup(owner.clusterResourceName());
        if (!antiAffinity) {
            if (existing.isPresent() && existing.get().members().isEmpty()) {
                client.nova().deleteServerGroup(existing.get().id());
            }
            return;
        }
        if (existing.isPresent()) {
            ServerGroup group = existing.get();
            if (policy.equals(group.policy())) {
                return;
            }
            if (!group.members().isEmpty()) {
                throw new ProviderException("Server group " + group.name() + " has policy " + group.policy()
                        + " but the cluster wants " + policy + ". Nova cannot change a group's policy while it has "
                        + "servers: destroy the cluster's servers first, or keep the policy.");
            }
            client.nova().deleteServerGroup(group.id());
        }
        client.nova().createServerGroup(owner.clusterResourceName(), policy);
    }

    synchronized void destroy(String cluster) throws ProviderException {
        Ownership owner = new Ownership(herd, cluster);
        client.nova().findServerGroup(owner.clusterResourceName()).ifPresent(g -> client.nova().deleteServerGroup(g.id()));
        // Ports orphaned by an interrupted create or destroy would keep the security group in use.
        for (Port port : client.neutron().listPorts(new PortQuery(null, null, null))) {
            if (owner.description().equals(port.description()) && (port.deviceId() == null || port.deviceId().isEmpty())) {
                client.neutron().deletePort(port.id());
            }
        }
        Optional<SecurityGroup> group = findSecurityGroup(owner);
        if (group.isEmpty()) {
            return;
        }
        String id = group.get().id();
        Optional<Boolean> deleted = poller.await(Duration.ofMinutes(2), () -> {
            try {
                client.neutron().deleteSecurityGroup(id);
                return Optional.of(true);
            } catch (OpenStackException e) {
                if (e.isConflict()) {
                    return Optional.empty(); // still in use by ports being deleted
                }
                throw e;
            }
        });
        if (deleted.isEmpty()) {
            throw new ProviderException("Security group " + owner.clusterResourceName() + " (" + id + ") is still in use"
                    + " by ports. Destroy the cluster's servers first, then run again.", true, null);
        }
    }

    List<String> list() {
        Set<String> clusters = new TreeSet<>();
        Set<String> othersNames = new TreeSet<>();
        for (SecurityGroup group : client.neutron().listSecurityGroups(null)) {
            Optional<Ownership> owner = Ownership.parse(group.description());
            if (owner.isPresent() && owner.get().herd().equals(herd)) {
                clusters.add(owner.get().cluster());
            } else {
                owner.ifPresent(o -> othersNames.add(o.clusterResourceName()));
            }
        }
        String prefix = herd + "-";
        for (ServerGroup group : client.nova().listServerGroups()) {
            // Server groups have no description, only the name <herd>-<cluster>: herd "a" and herd "a-b" both match
            // "a-b-c". Ensure makes the security group first, so a name that another herd's security group claims is
            // that herd's; one with no security group at all (removed by hand) is taken for ours.
            String name = group.name();
            if (name != null && name.startsWith(prefix) && name.length() > prefix.length() && !othersNames.contains(name)) {
                clusters.add(name.substring(prefix.length()));
            }
        }
        return List.copyOf(clusters);
    }

    private Optional<SecurityGroup> findSecurityGroup(Ownership owner) {
        return client.neutron().listSecurityGroups(owner.clusterResourceName()).stream()
                .filter(g -> owner.description().equals(g.description()))
                .findFirst();
    }
}
