package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.provider.openstack.client.FloatingIp;
import io.drover.provider.openstack.client.Network;
import io.drover.provider.openstack.client.NeutronClient.PortQuery;
import io.drover.provider.openstack.client.NovaClient.ServerQuery;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.Port;
import io.drover.provider.openstack.client.RestClient;
import io.drover.provider.openstack.client.RetryPolicy;
import io.drover.provider.openstack.client.RouterFixture;
import io.drover.provider.openstack.client.SecurityGroup;
import io.drover.provider.openstack.client.SecurityGroupRule;
import io.drover.provider.openstack.client.Server;
import io.drover.provider.openstack.client.ServerGroup;
import io.drover.provider.openstack.client.ServerSpec;
import io.drover.provider.openstack.client.Subnet;
import io.drover.retry.Sleeper;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import io.drover.spi.UserDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real cloud ({@code OS_CLOUD}, in CI the all-in-one cloud {@code aio}): what is OpenStack's own
 * (ports, security groups, server groups, Nova's faults). What every provider promises is tested by
 * {@link OpenStackProviderContractTest}.
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackProviderIntegrationTest {
    private static final String CLUSTER = "etcd";

    @TempDir
    Path workDir;

    private final String herd = TestCloud.uniqueName("it");
    @RegisterExtension
    static final AdminClient adminClient = new AdminClient();
    private OpenStackClient admin;
    private Provider provider;
    private Image image;

    @BeforeEach
    void open() throws ProviderException {
        admin = adminClient.client();
        provider = open(herd);
        image = provider.resolveImage("tiny");
    }

    @AfterEach
    void cleanUp() throws ProviderException {
        try (Provider cleaner = open(herd)) {
            for (Instance instance : cleaner.list()) {
                cleaner.destroy(instance.id());
            }
            for (String cluster : cleaner.listClusters()) {
                cleaner.destroyCluster(cluster);
            }
        } finally {
            provider.close();
        }
    }

    @Test
    void factoryIsFoundByServiceLoader() {
        assertThat(ServiceLoader.load(io.drover.spi.ProviderFactory.class).stream().map(p -> p.get().type()))
                .contains("openstack");
    }

    @Test
    void resolvesImagesByNameAndId() throws ProviderException {
        assertThat(image.reference()).isEqualTo("tiny");
        assertThat(image.digest()).startsWith("sha256:").hasSizeGreaterThan(30);
        assertThat(provider.resolveImage(image.id())).isEqualTo(new Image(image.id(), image.id(), image.digest()));
    }

    @Test
    void createsATaggedServerOnItsOwnPortAndDestroysBoth() throws ProviderException {
        provider.ensureCluster(cluster(List.of(2379, 2380), true));
        String name = herd + "-etcd-0";

        Instance instance = provider.create(launch(name, userData()));

        assertThat(instance.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(instance.name()).isEqualTo(name);
        assertThat(instance.ip()).startsWith("10.");
        assertThat(instance.tags()).containsEntry(Tags.HERD, herd).containsEntry(Tags.CLUSTER, CLUSTER)
                .containsEntry(Tags.RESOURCE, "etcd[0]").containsEntry(Tags.DIGEST, "sha256:abc");

        Server server = admin.nova().getServer(instance.id()).orElseThrow();
        assertThat(server.tags()).contains(Tags.HERD + "=" + herd);
        assertThat(server.metadata()).containsEntry(Tags.HERD, herd);
        assertThat(new String(Base64.getDecoder().decode(server.userData()), StandardCharsets.UTF_8))
                .isEqualTo("#cloud-config\n# " + name + " at " + instance.ip() + "\n");
        List<Port> ports = admin.neutron().listPorts(PortQuery.ofDevice(instance.id()));
        assertThat(ports).singleElement().satisfies(port -> {
            assertThat(port.fixedIps()).containsExactly(instance.ip());
            assertThat(port.securityGroupIds()).containsExactly(securityGroup().id());
        });
        ServerGroup group = admin.nova().findServerGroup(herd + "-" + CLUSTER).orElseThrow();
        assertThat(group.members()).containsExactly(instance.id());

        assertThat(provider.list()).singleElement().satisfies(listed -> {
            assertThat(listed.id()).isEqualTo(instance.id());
            assertThat(listed.ip()).isEqualTo(instance.ip());
            assertThat(listed.status()).isEqualTo(Instance.Status.RUNNING);
            assertThat(listed.tags()).containsEntry(Tags.RESOURCE, "etcd[0]");
        });

        provider.destroy(instance.id());

        assertThat(admin.nova().getServer(instance.id())).isEmpty();
        assertThat(admin.neutron().getPort(ports.get(0).id())).isEmpty();
        assertThat(provider.list()).isEmpty();
    }

    @Test
    void aServerWithAFloatingIpIsReachedOnItAndItsPeersKeepTheFixedAddress() throws ProviderException {
        provider.ensureCluster(cluster(List.of(2379, 2380), false));
        Instance instance = provider.create(launch(herd + "-etcd-0", userData()));
        assertThat(instance.accessIp()).isNull(); // no floating IP: clients use the peer address
        assertThat(instance.accessAddress()).isEqualTo(instance.ip());
        // A floating IP needs an external network routed to the server's subnet; a vxlan one, so that this test
        // does not hold the flat 'public' physical network another test may need at the same time.
        List<Runnable> cleanups = new java.util.ArrayList<>();
        try {
            Network external = admin.neutron().createNetwork(herd + "-ext", Map.of("router:external", true));
            cleanups.add(0, () -> admin.neutron().deleteNetwork(external.id()));
            Subnet externalSubnet = admin.neutron().createSubnet(external.id(), herd + "-ext-subnet", "172.31.251.0/24");
            cleanups.add(0, () -> admin.neutron().deleteSubnet(externalSubnet.id()));
            String privateSubnet = admin.neutron().findNetwork("private").subnetIds().get(0);
            RouterFixture router = RouterFixture.create(admin, herd + "-router", external.id(), privateSubnet);
            cleanups.add(0, router::delete);
            FloatingIp fip = admin.neutron().createFloatingIp(external.id(), herd + "-fip");
            cleanups.add(0, () -> admin.neutron().deleteFloatingIp(fip.id()));
            admin.neutron().associateFloatingIp(fip.id(), admin.neutron().listPorts(PortQuery.ofDevice(instance.id())).get(0).id());
            cleanups.add(0, () -> admin.neutron().associateFloatingIp(fip.id(), null));

            // Nova shows the floating IP among the server's addresses a second or so after Neutron associates it.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(provider.list()).singleElement()
                    .satisfies(listed -> {
                        assertThat(listed.accessIp()).isEqualTo(fip.address());
                        assertThat(listed.ip()).isEqualTo(instance.ip());
                    }));
        } finally {
            cleanups.forEach(Runnable::run);
        }
    }

    @Test
    void aDeadServerOfTheSameNameIsRebuiltOnItsPortSoItsAddressStays() throws ProviderException {
        // An etcd member created from a reservation died before the run that created it recorded it: its peers were
        // told its address, so the server built in its place must have the same one.
        String name = herd + "-etcd-0";
        Endpoint reserved = provider.reserve(CLUSTER, name, Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER)).orElseThrow();
        Instance dead = provider.create(launch(name, userData()));
        admin.nova().resetState(dead.id(), "error");

        Instance rebuilt = provider.create(launch(name, userData()));

        assertThat(rebuilt.id()).isNotEqualTo(dead.id());
        assertThat(rebuilt.ip()).isEqualTo(reserved.ip());
        assertThat(rebuilt.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(admin.nova().getServer(dead.id())).isEmpty();
        assertThat(admin.neutron().listPorts(new PortQuery(null, name, null))).singleElement()
                .satisfies(port -> assertThat(port.deviceId()).isEqualTo(rebuilt.id()));
    }

    @Test
    void reservedAddressIsTheOneTheServerBootsWithInTheClustersSecurityGroup() throws ProviderException {
        String name = herd + "-etcd-0";
        Map<String, String> tags = Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER);
        // The engine reserves before it ensures the cluster's resources: the security group comes later.
        Endpoint reserved = provider.reserve(CLUSTER, name, tags).orElseThrow();
        assertThat(reserved.name()).isEqualTo(name);
        assertThat(reserved.ip()).startsWith("10.");
        assertThat(provider.reserve(CLUSTER, name, tags)).contains(reserved); // idempotent
        provider.ensureCluster(cluster(List.of(2379, 2380), false));

        Instance instance = provider.create(launch(name, userData()));

        assertThat(instance.ip()).isEqualTo(reserved.ip());
        assertThat(admin.neutron().listPorts(new PortQuery(null, name, null))).singleElement().satisfies(port -> {
            assertThat(port.deviceId()).isEqualTo(instance.id());
            assertThat(port.securityGroupIds()).containsExactly(securityGroup().id());
        });
        Server server = admin.nova().getServer(instance.id()).orElseThrow();
        assertThat(new String(Base64.getDecoder().decode(server.userData()), StandardCharsets.UTF_8))
                .isEqualTo("#cloud-config\n# " + name + " at " + reserved.ip() + "\n");
        assertThat(provider.reserve(CLUSTER, name, tags)).contains(reserved); // a created server keeps its address

        provider.release(name); // in use: stays
        assertThat(admin.neutron().listPorts(PortQuery.ofDevice(instance.id()))).hasSize(1);
    }

    @Test
    void destroyAlsoDeletesTheServersPortThatNovaNeverBound() throws ProviderException {
        // As after a run killed while the server was building: the port named like the server carries no device
        // id (Nova had not bound it yet), so looking ports up by device alone would leave it behind.
        String name = herd + "-etcd-2";
        provider.reserve(CLUSTER, name, Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER)).orElseThrow();
        String serverId = admin.nova().createServer(new ServerSpec(name, image.id(), admin.nova().findFlavor("m1.tiny").id(),
                null, List.of(), List.of(), List.of(), Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER), List.of(Tags.HERD + "=" + herd),
                null, null));
        assertThat(admin.neutron().listPorts(new PortQuery(null, name, null))).singleElement()
                .satisfies(port -> assertThat(port.deviceId()).isNullOrEmpty());

        provider.destroy(serverId);

        assertThat(admin.nova().getServer(serverId)).isEmpty();
        assertThat(admin.neutron().listPorts(new PortQuery(null, name, null))).isEmpty();
    }

    @Test
    void ensureClusterIsIdempotentAndOpensPortsToTheClusterNetworkOnly() throws ProviderException {
        ClusterRequest request = cluster(List.of(2379, 2380), true);

        provider.ensureCluster(request);
        provider.ensureCluster(request);

        String name = herd + "-" + CLUSTER;
        assertThat(admin.nova().listServerGroups()).filteredOn(g -> name.equals(g.name())).singleElement()
                .satisfies(g -> assertThat(g.policy()).isEqualTo("anti-affinity"));
        assertThat(admin.neutron().listSecurityGroups(name)).hasSize(1);
        assertThat(ingressRules()).containsExactlyInAnyOrder("22@10.10.0.0/24", "2379@10.10.0.0/24", "2380@10.10.0.0/24");
        assertThat(provider.listClusters()).containsExactly(CLUSTER);

        provider.destroyCluster(CLUSTER);
        provider.destroyCluster(CLUSTER);

        assertThat(admin.nova().findServerGroup(name)).isEmpty();
        assertThat(admin.neutron().listSecurityGroups(name)).isEmpty();
        assertThat(provider.listClusters()).isEmpty();
    }

    @Test
    void ensureClusterReplacesRulesForPortsNoLongerOpenAndHonoursCidrAndPolicyOptions() throws ProviderException {
        provider.ensureCluster(cluster(List.of(2379), true));
        provider.ensureCluster(new ClusterRequest(CLUSTER, true, List.of(2380),
                Map.of("securityGroupCidr", "10.10.0.0/28", "serverGroupPolicy", "soft-anti-affinity"), Map.of()));

        assertThat(ingressRules()).containsExactlyInAnyOrder("22@10.10.0.0/28", "2380@10.10.0.0/28");
        assertThat(admin.nova().findServerGroup(herd + "-" + CLUSTER).orElseThrow().policy()).isEqualTo("soft-anti-affinity");
    }

    @Test
    void bootFailureIsReportedWithNovasFaultAndLeavesNothingBehind() throws ProviderException {
        // The all-in-one cloud has two compute hosts: a third member of a hard anti-affinity group cannot be placed.
        provider.ensureCluster(cluster(List.of(), true));
        provider.create(launch(herd + "-0", userData()));
        provider.create(launch(herd + "-1", userData()));

        assertThatThrownBy(() -> provider.create(launch(herd + "-2", userData())))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(herd + "-2 failed to boot")
                .hasMessageContaining("No valid host");

        assertThat(provider.list()).extracting(Instance::name).containsExactlyInAnyOrder(herd + "-0", herd + "-1");
        assertThat(admin.neutron().listPorts(new PortQuery(null, herd + "-2", null))).isEmpty();
    }

    @Test
    void createAndDestroySucceedThroughTwentyPercentFaults() throws Exception {
        TestCloud.Proxied proxied = TestCloud.proxied(FaultProxy.Plan.failing(0.2, 20250101L));
        try (FaultProxy proxy = proxied.proxy();
                OpenStackClient flaky = OpenStackClient.connect(proxied.config(), RestClient.create(
                        new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5))));
                Provider through = new OpenStackProvider(herd, flaky, settings(), Clock.systemUTC(), Sleeper.SYSTEM)) {
            through.ensureCluster(cluster(List.of(2379), false));
            Instance a = through.create(launch(herd + "-0", userData()));
            Instance b = through.create(launch(herd + "-1", userData()));
            assertThat(through.list()).extracting(Instance::id).containsExactlyInAnyOrder(a.id(), b.id());
            through.destroy(a.id());
            through.destroy(b.id());
            through.destroyCluster(CLUSTER);

            assertThat(proxy.injectedTotal()).isGreaterThan(5);
        }
        assertThat(admin.nova().listServers(ServerQuery.tagged(Tags.HERD + "=" + herd))).isEmpty();
        assertThat(admin.neutron().listPorts(new PortQuery(null, null, null)))
                .filteredOn(p -> p.description() != null && p.description().contains("drover-herd=" + herd + " "))
                .isEmpty();
        assertThat(admin.neutron().listSecurityGroups(herd + "-" + CLUSTER)).isEmpty();
    }

    @Test
    void wrongCloudNameIsAClearError() {
        ProviderContext context = new ProviderContext(herd, Map.of("cloud", "no-such-cloud-" + herd), workDir, TestCloud.environment());
        assertThatThrownBy(() -> new OpenStackProviderFactory().open(context))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("'no-such-cloud-" + herd + "' is not defined in any clouds.yaml");
    }

    private Provider open(String herdName) throws ProviderException {
        return new OpenStackProviderFactory().open(new ProviderContext(herdName, TestCloud.providerSettings(), workDir, TestCloud.environment()));
    }

    private static OpenStackSettings settings() {
        return new OpenStackSettings(null, null, "private", null, Duration.ofMinutes(2), Duration.ofMinutes(2));
    }

    private ClusterRequest cluster(List<Integer> ports, boolean antiAffinity) {
        return new ClusterRequest(CLUSTER, antiAffinity, ports, Map.of(), Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER));
    }

    private LaunchRequest launch(String name, UserDataSource userData) {
        Map<String, String> tags = Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER, Tags.RESOURCE, "etcd[0]", Tags.DIGEST, "sha256:abc");
        return new LaunchRequest(CLUSTER, name, image, Map.of("flavor", "m1.tiny"), tags, userData);
    }

    private static UserDataSource userData() {
        return endpoint -> new UserData(UserData.CLOUD_INIT,
                ("#cloud-config\n# " + endpoint.name() + " at " + endpoint.ip() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private SecurityGroup securityGroup() {
        return admin.neutron().listSecurityGroups(herd + "-" + CLUSTER).get(0);
    }

    private List<String> ingressRules() {
        return securityGroup().rules().stream()
                .filter(r -> "ingress".equals(r.direction()))
                .peek(r -> assertThat(r.protocol()).isEqualTo("tcp"))
                .peek(r -> assertThat(r.portMax()).isEqualTo(r.portMin()))
                .map((SecurityGroupRule r) -> r.portMin() + "@" + r.remoteIpPrefix())
                .toList();
    }
}
