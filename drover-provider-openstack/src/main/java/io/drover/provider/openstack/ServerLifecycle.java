package io.drover.provider.openstack;

import io.drover.provider.openstack.client.Flavor;
import io.drover.provider.openstack.client.NeutronClient.PortQuery;
import io.drover.provider.openstack.client.NovaClient.ServerQuery;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.OpenStackException;
import io.drover.provider.openstack.client.Port;
import io.drover.provider.openstack.client.PortSpec;
import io.drover.provider.openstack.client.SecurityGroup;
import io.drover.provider.openstack.client.Server;
import io.drover.provider.openstack.client.ServerGroup;
import io.drover.provider.openstack.client.ServerSpec;
import io.drover.spi.Endpoint;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, lists and destroys the servers of one herd.
 *
 * <p>Finding them again: every server carries the launch tags as Nova metadata (a map with 255-character
 * values, room for digests) and the herd as the server tag {@code drover-herd=<herd>}. Nova can filter lists by
 * tag server-side but not by metadata, so {@link #list()} asks for the tag and then checks the metadata; herd
 * names that do not fit in a tag (over 48 characters, or with {@code ,} or {@code /}) fall back to listing all
 * servers of the project and filtering by metadata.
 */
final class ServerLifecycle {
    /** Nova's limit on base64 user data. */
    static final int MAX_USER_DATA_BASE64 = 65535;

    private final String herd;
    private final OpenStackClient client;
    private final OpenStackSettings settings;
    private final Poller poller;
    private final Map<String, String> flavorIds = new ConcurrentHashMap<>();

    ServerLifecycle(String herd, OpenStackClient client, OpenStackSettings settings, Poller poller) {
        this.herd = herd;
        this.client = client;
        this.settings = settings;
        this.poller = poller;
    }

    Instance create(LaunchRequest request) throws ProviderException {
        Optional<Server> existing = findByName(request.name());
        if (existing.isPresent()) {
            Optional<Instance> adopted = adopt(existing.get().id(), request.name());
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        ClusterOptions options = ClusterOptions.from(request.options());
        Ownership owner = new Ownership(herd, request.cluster());
        String networkName = options.networkOr(settings.network());
        String networkId = client.neutron().findNetwork(networkName).id();

        Port port = findOrCreatePort(request.name(), networkId, owner, request.placement().preferredAddress());
        if (port.fixedIps().isEmpty()) {
            throw new ProviderException("Port " + port.id() + " on network '" + networkName
                    + "' got no fixed IP. Give the network a subnet with free addresses.");
        }
        String ip = port.fixedIps().get(0);
        String serverId;
        try {
            UserData userData = request.userData().render(new Endpoint(request.name(), ip));
            byte[] content = userData.content();
            if ((content.length + 2) / 3 * 4 > MAX_USER_DATA_BASE64) {
                throw new ProviderException("The first-boot config of " + request.name() + " is " + content.length
                        + " bytes; Nova accepts at most 48 KiB of user data. Make it smaller (e.g. fetch large files at boot).");
            }
            serverId = client.nova().createServer(new ServerSpec(
                    request.name(),
                    request.image().id(),
                    flavorId(options.flavor()),
                    settings.keyName(),
                    List.of(port.id()),
                    List.of(),
                    List.of(),
                    metadata(request),
                    herdTag().map(List::of).orElse(List.of()),
                    content,
                    client.nova().findServerGroup(owner.clusterResourceName()).map(ServerGroup::id).orElse(null)));
        } catch (ProviderException | RuntimeException e) {
            deletePortQuietly(port.id());
            throw e;
        }
        // Nova forgets a server deleted behind Drover's back, and unbinds its port: the port remembers the server
        // (by id, in its description) so destroy can still find and delete it.
        client.neutron().setDescription(port.id(), owner.description() + " " + SERVER_MARKER + serverId);
        return awaitSettled(serverId, request.name(), port);
    }

    /**
     * Reserves a server's address ahead of its creation: its port, made now and used by {@link #create} of the same
     * name. The engine reserves before it ensures the cluster's resources, so the port may get the cluster's
     * security group only when the server is created. Reservations are on the provider's network: the cluster's
     * options (and so a per-cluster network) are not known here.
     */
    Endpoint reserve(String cluster, String name, Optional<String> preferredIp) throws ProviderException {
        Optional<Server> existing = findByName(name);
        if (existing.isPresent()) {
            String ip = ipOf(existing.get());
            if (ip == null) {
                throw new ProviderException("Server " + name + " exists but has no address yet. Run again.", true, null);
            }
            return new Endpoint(name, ip);
        }
        String networkId = client.neutron().findNetwork(settings.network()).id();
        Port port = findOrCreatePort(name, networkId, new Ownership(herd, cluster), preferredIp);
        if (port.fixedIps().isEmpty()) {
            deletePortQuietly(port.id());
            throw new ProviderException("Port for " + name + " on network '" + settings.network()
                    + "' got no fixed IP. Give the network a subnet with free addresses.");
        }
        return new Endpoint(name, port.fixedIps().get(0));
    }

    /** Deletes the reserved, unused ports of that name (a port in use by a server stays). */
    void release(String name) {
        for (Port port : client.neutron().listPorts(new PortQuery(null, name, null))) {
            if (Ownership.ownedByHerd(port.description(), herd) && (port.deviceId() == null || port.deviceId().isEmpty())) {
                client.neutron().deletePort(port.id());
            }
        }
    }

    private Port findOrCreatePort(String name, String networkId, Ownership owner, Optional<String> preferredIp) throws ProviderException {
        List<String> groups = client.neutron().listSecurityGroups(owner.clusterResourceName()).stream()
                .filter(g -> owner.description().equals(g.description()))
                .map(SecurityGroup::id)
                .toList();
        for (Port port : client.neutron().listPorts(PortQuery.named(networkId, name))) {
            boolean ours = Ownership.parse(port.description()).filter(owner::equals).isPresent();
            if (ours && (port.deviceId() == null || port.deviceId().isEmpty())) {
                // Reserved ahead, left over by a crash between port and server creation, or kept from a dead server
                // of this name that is being rebuilt: reuse it (its address is the one peers were told), in the
                // cluster's security group (a reservation may predate the group).
                if (!groups.isEmpty() && !Set.copyOf(port.securityGroupIds()).equals(Set.copyOf(groups))) {
                    return client.neutron().setSecurityGroups(port.id(), groups);
                }
                return port;
            }
        }
        Port created = createPort(new PortSpec(networkId, name, owner.description(), groups, null), preferredIp);
        // Neutron lets two ports have one name: a create (or reserve) of this name in another process that made its
        // port at the same time would build a second server. Whoever sees another port of the name besides the one it
        // just made gives way (both may, and both then try again later): a port made by an earlier, finished call is
        // always reused above, never made anew.
        boolean another = client.neutron().listPorts(PortQuery.named(networkId, name)).stream()
                .anyMatch(p -> !p.id().equals(created.id()) && Ownership.parse(p.description()).filter(owner::equals).isPresent());
        if (another) {
            deletePortQuietly(created.id());
            throw new ProviderException("Server " + name + " is being created by another process right now. Run again once it is done.",
                    true, null);
        }
        return created;
    }

    /**
     * Creates the port on {@code preferredIp} (the address of the slot's destroyed server) when Neutron gives it: 409 if
     * another port holds it, 400 if it is on none of the network's subnets; then on an address of Neutron's choice.
     */
    private Port createPort(PortSpec spec, Optional<String> preferredIp) {
        if (preferredIp.isPresent()) {
            try {
                return client.neutron().createPort(new PortSpec(spec.networkId(), spec.name(), spec.description(), spec.securityGroupIds(),
                        preferredIp.get()));
            } catch (OpenStackException e) {
                if (e.status() != 409 && e.status() != 400) {
                    throw e;
                }
            }
        }
        return client.neutron().createPort(spec);
    }

    private Map<String, String> metadata(LaunchRequest request) {
        Map<String, String> metadata = new LinkedHashMap<>(request.tags());
        metadata.put(Tags.HERD, herd);
        metadata.putIfAbsent(Tags.CLUSTER, request.cluster());
        return metadata;
    }

    private Optional<String> herdTag() {
        String tag = Tags.HERD + "=" + herd;
        return tag.length() <= 60 && !tag.contains(",") && !tag.contains("/") ? Optional.of(tag) : Optional.empty();
    }

    private String flavorId(String flavor) {
        return flavorIds.computeIfAbsent(flavor, name -> client.nova().findFlavor(name).id());
    }

    /**
     * Adoption: a previous run created the server and died before it recorded it. Once Nova is done building it, a
     * running server is returned as it is (its user data is not rendered again). A dead one (ERROR, SHUTOFF: it never
     * booted, or died since) is deleted and empty returned, so that the create builds a new one in its place, on the
     * same port (Nova keeps ports made ahead), so the address its peers were told stays.
     */
    private Optional<Instance> adopt(String serverId, String name) throws ProviderException {
        Server server = settle(serverId, name);
        if (InstanceMapper.gone(server)) {
            return Optional.empty();
        }
        if (InstanceMapper.status(server.status()) == Instance.Status.RUNNING) {
            return Optional.of(InstanceMapper.toInstance(server, ipOf(server)));
        }
        deleteAndAwaitGone(serverId);
        return Optional.empty();
    }

    /** Waits until the server leaves BUILD; a server deleted meanwhile comes back with status DELETED. */
    private Server settle(String serverId, String name) throws ProviderException {
        Optional<Server> settled = poller.await(settings.bootTimeout(), () -> {
            Optional<Server> server = client.nova().getServer(serverId);
            if (server.isEmpty()) {
                return Optional.of(new Server(serverId, name, "DELETED", Map.of(), List.of(), List.of(), List.of(), null, null, null));
            }
            return InstanceMapper.status(server.get().status()) == Instance.Status.BUILDING ? Optional.empty() : server;
        });
        if (settled.isEmpty()) {
            throw new ProviderException("Server " + name + " (" + serverId + ") is still building after "
                    + settings.bootTimeout().toSeconds() + " s. It is left in place and will be adopted or replaced "
                    + "on the next run; check the cloud's health or raise the provider setting 'bootTimeout'.", true, null);
        }
        return settled.get();
    }

    /** Waits until the server leaves BUILD; ACTIVE is returned, ERROR is cleaned up and reported. */
    private Instance awaitSettled(String serverId, String name, Port port) throws ProviderException {
        Server server = settle(serverId, name);
        if (InstanceMapper.gone(server)) {
            throw new ProviderException("Server " + name + " (" + serverId + ") was deleted while it was booting. Run again.", true, null);
        }
        if (InstanceMapper.status(server.status()) == Instance.Status.ERROR) {
            String fault = server.fault() == null ? "no reason given" : server.fault();
            destroy(serverId);
            if (port != null) {
                deletePortQuietly(port.id());
            }
            boolean retryable = !fault.contains("No valid host");
            throw new ProviderException("Server " + name + " failed to boot: " + fault
                    + (retryable ? ". It was deleted; run again to retry."
                            : ". The cloud has no host that fits (flavor too large, quota, or anti-affinity with more "
                                    + "servers than hosts: use serverGroupPolicy soft-anti-affinity)."),
                    retryable, null);
        }
        String ip = port != null && !port.fixedIps().isEmpty() ? port.fixedIps().get(0) : ipOf(server);
        return InstanceMapper.toInstance(server, ip);
    }

    private Optional<Server> findByName(String name) {
        return client.nova().listServers(ServerQuery.named(name)).stream()
                .filter(s -> herd.equals(s.metadata().get(Tags.HERD)) && name.equals(s.name()) && !InstanceMapper.gone(s))
                .findFirst();
    }

    List<Instance> list() {
        ServerQuery query = herdTag().map(ServerQuery::tagged).orElse(new ServerQuery(null, List.of()));
        List<Server> servers = client.nova().listServers(query).stream()
                .filter(s -> herd.equals(s.metadata().get(Tags.HERD)) && !InstanceMapper.gone(s))
                .toList();
        Map<String, String> portIps = null;
        List<Instance> instances = new ArrayList<>();
        for (Server server : servers) {
            String ip = server.fixedIps().isEmpty() ? null : server.fixedIps().get(0);
            if (ip == null) {
                // Nova fills 'addresses' from its network cache a moment after boot; the port knows already.
                if (portIps == null) {
                    portIps = portIpsByDevice();
                }
                ip = portIps.get(server.id());
            }
            instances.add(InstanceMapper.toInstance(server, ip));
        }
        return instances;
    }

    private Map<String, String> portIpsByDevice() {
        Map<String, String> ips = new HashMap<>();
        for (Port port : client.neutron().listPorts(new PortQuery(null, null, null))) {
            if (port.deviceId() != null && !port.deviceId().isEmpty() && !port.fixedIps().isEmpty()) {
                ips.putIfAbsent(port.deviceId(), port.fixedIps().get(0));
            }
        }
        return ips;
    }

    private String ipOf(Server server) {
        if (!server.fixedIps().isEmpty()) {
            return server.fixedIps().get(0);
        }
        return client.neutron().listPorts(PortQuery.ofDevice(server.id())).stream()
                .flatMap(p -> p.fixedIps().stream()).findFirst().orElse(null);
    }

    /**
     * Deletes a server, waits for Nova to forget it, then deletes the ports Drover made for it (Nova detaches
     * pre-made ports but keeps them).
     */
    private static final String SERVER_MARKER = "drover-server=";

    /**
     * Deletes this herd's unattached ports that belong to none of the servers in {@code keep}: what a run killed
     * between making a server's port and booting the server (or between Nova's failure and the clean-up) left.
     */
    void sweep(java.util.Set<String> keep) {
        for (Port port : client.neutron().listPorts(new PortQuery(null, null, null))) {
            boolean unattached = port.deviceId() == null || port.deviceId().isEmpty();
            if (unattached && Ownership.ownedByHerd(port.description(), herd) && !keep.contains(port.name())) {
                client.neutron().deletePort(port.id());
            }
        }
    }

    void destroy(String serverId) throws ProviderException {
        List<Port> ports = client.neutron().listPorts(PortQuery.ofDevice(serverId)).stream()
                .filter(p -> Ownership.ownedByHerd(p.description(), herd))
                .toList();
        Optional<Server> server = client.nova().getServer(serverId);
        if (server.isPresent()) {
            deleteAndAwaitGone(serverId);
        }
        for (Port port : ports) {
            client.neutron().deletePort(port.id());
        }
        // A server deleted before Nova bound its port (a run killed while it was building, then found to be a
        // duplicate) leaves a port with no device id: it is found by the server's name instead.
        server.ifPresent(s -> release(s.name()));
        if (server.isEmpty()) {
            // Deleted behind Drover's back: its port is unbound now, and found by the server id it remembers.
            for (Port port : client.neutron().listPorts(new PortQuery(null, null, null))) {
                if (Ownership.ownedByHerd(port.description(), herd) && port.description().contains(SERVER_MARKER + serverId)
                        && (port.deviceId() == null || port.deviceId().isEmpty())) {
                    client.neutron().deletePort(port.id());
                }
            }
        }
    }

    /** Deletes a server and waits until Nova no longer has it (its ports are unbound by then). */
    private void deleteAndAwaitGone(String serverId) throws ProviderException {
        client.nova().deleteServer(serverId);
        Optional<Boolean> gone = poller.await(settings.deleteTimeout(), () -> client.nova().getServer(serverId)
                .filter(s -> !InstanceMapper.gone(s))
                .isEmpty() ? Optional.of(true) : Optional.empty());
        if (gone.isEmpty()) {
            throw new ProviderException("Server " + serverId + " is still there " + settings.deleteTimeout().toSeconds()
                    + " s after it was deleted. Check it with 'openstack server show " + serverId + "' and run again.", true, null);
        }
    }

    private void deletePortQuietly(String portId) {
        try {
            client.neutron().deletePort(portId);
        } catch (RuntimeException e) {
            // The original failure matters more; destroyCluster removes orphaned ports of the cluster later.
        }
    }
}
