package io.drover.cli;

import io.drover.provider.openstack.client.CloudConfig;
import io.drover.provider.openstack.client.CloudConfigLoader;
import io.drover.provider.openstack.client.NeutronClient.PortQuery;
import io.drover.provider.openstack.client.NovaClient.ServerQuery;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.Port;
import io.drover.provider.openstack.client.SecurityGroup;
import io.drover.provider.openstack.client.Server;
import io.drover.provider.openstack.client.ServerGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One herd on the real OpenStack that {@code OS_CLOUD} names (CI: the all-in-one cloud {@code aio}), seen from
 * outside Drover: what the cloud's own API says exists for it, and a safety net that deletes all of it.
 *
 * <p>The herds are {@code role: plain} with {@code health: {type: process}} (healthy = the server is ACTIVE):
 * the all-in-one cloud's fake compute driver runs no guest, so nothing would ever answer on the servers'
 * 10.10.0.x addresses, and this workplace forbids sending traffic to any non-loopback address anyway. An etcd
 * role would probe those addresses and call etcd's membership API on them.
 */
final class OpenStackHerd implements AutoCloseable {
    private static final String HERD_MARKER = "drover-herd=";

    final String name;
    final Path file;
    private final OpenStackClient client;

    private OpenStackHerd(String name, Path file, OpenStackClient client) {
        this.name = name;
        this.file = file;
        this.client = client;
    }

    /** A herd of a unique name (so that runs on a shared cloud never meet) whose file will live in {@code dir}. */
    static OpenStackHerd in(Path dir, String prefix) {
        byte[] bytes = new byte[3];
        new Random().nextBytes(bytes);
        String name = prefix + "-" + HexFormat.of().formatHex(bytes);
        return new OpenStackHerd(name, dir.resolve("drover.yaml"), OpenStackClient.connect(cloud()));
    }

    static CloudConfig cloud() {
        return CloudConfigLoader.standard(System.getenv(), Path.of("").toAbsolutePath()).load(null);
    }

    OpenStackClient client() {
        return client;
    }

    /** The cloud's auth URL and every endpoint of its catalog: what a proxy in front of the whole cloud forwards to. */
    static List<java.net.URI> upstreams() {
        CloudConfig cloud = cloud();
        List<java.net.URI> upstreams = new java.util.ArrayList<>();
        upstreams.add(cloud.authUrl());
        try (OpenStackClient client = OpenStackClient.connect(cloud)) {
            for (io.drover.provider.openstack.client.ServiceCatalog.Endpoint endpoint : client.session().token().catalog().endpoints()) {
                upstreams.add(endpoint.url());
            }
        }
        return upstreams;
    }

    /**
     * The all-in-one cloud's credentials as an openrc file gives them, with the auth URL on {@code proxy} (which rewrites
     * the catalog, so every service is reached through it). No OS_CLOUD: with no clouds.yaml in the working directory,
     * the OS_* variables are all the CLI knows.
     */
    static java.util.Map<String, String> environmentThrough(io.drover.provider.openstack.FaultProxy proxy) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("OS_AUTH_URL", proxy.uriFor(cloud().authUrl()).toString());
        env.put("OS_USERNAME", "admin");
        env.put("OS_PASSWORD", "secret");
        env.put("OS_PROJECT_NAME", "admin");
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_REGION_NAME", "RegionOne");
        return env;
    }

    /** Writes a herd file of {@code size} interchangeable m1.tiny servers of image {@code tiny}. */
    void writePlain(int size, boolean antiAffinity, String version) {
        write("""
                herd: %s
                provider:
                  type: openstack
                  network: private
                clusters:
                  node:
                    size: %d
                    role: plain
                    image: tiny
                    antiAffinity: %s
                    provider:
                      flavor: m1.tiny
                      serverGroupPolicy: soft-anti-affinity
                    health:
                      type: process
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/drover-test
                            mode: 0644
                            contents:
                              inline: "%s\\n"
                """.formatted(name, size, antiAffinity, version));
    }

    void write(String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The herd's servers as Nova lists them (by the herd's server tag, then checked against the metadata). */
    List<Server> servers() {
        return client.nova().listServers(ServerQuery.tagged("drover-herd=" + name)).stream()
                .filter(s -> name.equals(s.metadata().get("drover-herd")))
                .filter(s -> !"DELETED".equals(s.status()))
                .toList();
    }

    /** The herd's ports: Drover marks them in their description. */
    List<Port> ports() {
        return client.neutron().listPorts(new PortQuery(null, null, null)).stream().filter(p -> owned(p.description())).toList();
    }

    List<SecurityGroup> securityGroups() {
        return client.neutron().listSecurityGroups(null).stream().filter(g -> owned(g.description())).toList();
    }

    /** Server groups have no description: Drover names them {@code <herd>-<cluster>}. */
    List<ServerGroup> serverGroups() {
        return client.nova().listServerGroups().stream().filter(g -> g.name() != null && g.name().startsWith(name + "-")).toList();
    }

    /** Ports that belong to no existing server of the herd (left behind by an interrupted run). */
    List<Port> orphanedPorts() {
        Set<String> serverIds = servers().stream().map(Server::id).collect(Collectors.toSet());
        return ports().stream().filter(p -> p.deviceId() == null || !serverIds.contains(p.deviceId())).toList();
    }

    private boolean owned(String description) {
        if (description == null) {
            return false;
        }
        for (String word : description.trim().split("\\s+")) {
            if (word.equals(HERD_MARKER + name)) {
                return true;
            }
        }
        return false;
    }

    /** The safety net: deletes whatever of the herd still exists, without Drover. */
    void purge() {
        for (Server s : servers()) {
            client.nova().deleteServer(s.id());
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> servers().isEmpty());
        ports().forEach(p -> client.neutron().deletePort(p.id()));
        serverGroups().forEach(g -> client.nova().deleteServerGroup(g.id()));
        securityGroups().forEach(g -> client.neutron().deleteSecurityGroup(g.id()));
    }

    @Override
    public void close() {
        try {
            purge();
        } finally {
            client.close();
        }
    }
}
