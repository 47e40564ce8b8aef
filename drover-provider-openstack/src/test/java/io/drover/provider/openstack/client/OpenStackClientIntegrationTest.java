package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.provider.openstack.FaultProxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real cloud ({@code OS_CLOUD}, in CI the all-in-one cloud {@code aio}). */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackClientIntegrationTest {
    private final String prefix = "drover-it-" + HexFormat.of().formatHex(randomBytes());
    private final List<Runnable> cleanups = new ArrayList<>();
    private final OpenStackClient client = OpenStackClient.connect(config());

    @AfterEach
    void cleanUp() {
        for (Runnable cleanup : cleanups.reversed()) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                // keep cleaning; the test's own failure is the interesting one
            }
        }
        client.close();
    }

    @Test
    void authenticatesAndFindsTheServicesInTheCatalog() {
        Token token = client.session().token();

        assertThat(token.expiresAt()).isAfter(java.time.Instant.now());
        assertThat(token.projectId()).isNotBlank();
        assertThat(client.session().endpoint("compute").toString()).contains("/v2.1");
        assertThat(client.session().endpoint("image")).isNotNull();
        assertThat(client.session().endpoint("network")).isNotNull();
        assertThat(token.toString()).doesNotContain(token.value());
    }

    @Test
    void wrongPasswordIsReportedClearly() {
        CloudConfig good = config();
        Credentials.Password password = (Credentials.Password) good.credentials();
        CloudConfig bad = new CloudConfig(good.name(), good.authUrl(), new Credentials.Password(password.userId(),
                password.username(), password.userDomain(), "wrong-password-x", password.projectId(),
                password.projectName(), password.projectDomain()), good.region(), good.interfaceName());
        try (OpenStackClient wrong = OpenStackClient.connect(bad)) {
            assertThatThrownBy(() -> wrong.session().token())
                    .isInstanceOf(OpenStackException.class)
                    .hasMessageContaining("rejected the credentials")
                    .message().doesNotContain("wrong-password-x");
        }
    }

    @Test
    void reauthenticatesOnceWhenATokenIsRejected() throws IOException {
        CloudConfig direct = config();
        URI compute = client.session().endpoint("compute");
        try (FaultProxy proxy = FaultProxy.start(List.of(direct.authUrl(), compute), FaultProxy.Plan.none());
                OpenStackClient proxied = OpenStackClient.connect(new CloudConfig(direct.name(),
                        proxy.uriFor(direct.authUrl()), direct.credentials(), direct.region(), direct.interfaceName()))) {
            Token first = proxied.session().token();
            proxy.injectNext(FaultProxy.Fault.STATUS_401);

            Flavor flavor = proxied.nova().findFlavor("m1.tiny");

            assertThat(flavor.name()).isEqualTo("m1.tiny");
            assertThat(proxied.session().token().value()).isNotEqualTo(first.value());
            assertThat(proxy.injected(FaultProxy.Fault.STATUS_401)).isEqualTo(1);
        }
    }

    @Test
    void findsFlavorsByNameOrIdAndExplainsUnknownOnes() {
        Flavor tiny = client.nova().findFlavor("m1.tiny");
        assertThat(client.nova().findFlavor(tiny.id())).isEqualTo(tiny);
        assertThatThrownBy(() -> client.nova().findFlavor("no-such-flavor"))
                .hasMessageContaining("Flavor 'no-such-flavor' does not exist");
    }

    @Test
    void createsUploadsListsAndDeletesAnImage(@TempDir Path dir) throws IOException {
        Path data = Files.write(dir.resolve("disk.raw"), randomBytes(64 * 1024));
        String name = prefix + "-image";

        GlanceImage image = client.glance().createImage(name, "raw", "bare", "private", List.of("drover-test"));
        cleanups.add(() -> client.glance().deleteImage(image.id()));
        assertThat(image.status()).isEqualTo("queued");
        client.glance().upload(image.id(), data);

        GlanceImage uploaded = client.glance().getImage(image.id()).orElseThrow();
        assertThat(uploaded.status()).isEqualTo("active");
        assertThat(uploaded.size()).isEqualTo(64 * 1024);
        assertThat(uploaded.hashValue()).isNotBlank();
        assertThat(client.glance().listImages(name, null)).extracting(GlanceImage::id).containsExactly(image.id());
        assertThat(client.glance().listImages(null, "drover-test")).extracting(GlanceImage::id).contains(image.id());

        client.glance().deleteImage(image.id());
        client.glance().deleteImage(image.id()); // idempotent
        assertThat(client.glance().getImage(image.id())).isEmpty();
    }

    @Test
    void managesNetworksPortsSecurityGroupsAndFloatingIps() {
        NeutronClient neutron = client.neutron();
        Network network = neutron.createNetwork(prefix + "-net");
        cleanups.add(() -> neutron.deleteNetwork(network.id()));
        Subnet subnet = neutron.createSubnet(network.id(), prefix + "-subnet", "10.77.0.0/24");
        cleanups.add(() -> neutron.deleteSubnet(subnet.id()));

        SecurityGroup group = neutron.createSecurityGroup(prefix + "-sg", "test");
        cleanups.add(() -> neutron.deleteSecurityGroup(group.id()));
        SecurityGroupRule rule = neutron.createRule(SecurityGroupRule.tcpIngress(group.id(), 2379, "10.77.0.0/24"));
        SecurityGroupRule again = neutron.createRule(SecurityGroupRule.tcpIngress(group.id(), 2379, "10.77.0.0/24"));
        assertThat(again.id()).isEqualTo(rule.id()); // a duplicate rule is adopted, not an error
        assertThat(neutron.getSecurityGroup(group.id()).orElseThrow().rules()).filteredOn(r -> "ingress".equals(r.direction())).hasSize(1);

        Port port = neutron.createPort(new PortSpec(network.id(), prefix + "-port", "mine", List.of(group.id()), "10.77.0.42"));
        cleanups.add(() -> neutron.deletePort(port.id()));
        assertThat(port.fixedIps()).containsExactly("10.77.0.42");
        assertThat(port.securityGroupIds()).containsExactly(group.id());
        assertThat(neutron.listPorts(NeutronClient.PortQuery.named(network.id(), prefix + "-port")))
                .extracting(Port::id).containsExactly(port.id());

        // Floating IPs need an external network and a router between it and the port's subnet.
        Network external = neutron.createNetwork(prefix + "-ext", Map.of("router:external", true,
                "provider:network_type", "flat", "provider:physical_network", "public"));
        cleanups.add(() -> neutron.deleteNetwork(external.id()));
        Subnet externalSubnet = neutron.createSubnet(external.id(), prefix + "-ext-subnet", "172.31.250.0/24");
        cleanups.add(() -> neutron.deleteSubnet(externalSubnet.id()));
        RouterFixture router = RouterFixture.create(client, prefix + "-router", external.id(), subnet.id());
        cleanups.add(router::delete);

        FloatingIp fip = neutron.createFloatingIp(external.id(), prefix + "-fip");
        cleanups.add(() -> neutron.deleteFloatingIp(fip.id()));
        FloatingIp associated = neutron.associateFloatingIp(fip.id(), port.id());
        assertThat(associated.portId()).isEqualTo(port.id());
        assertThat(associated.fixedIp()).isEqualTo("10.77.0.42");
        assertThat(neutron.listFloatingIps(port.id())).extracting(FloatingIp::id).containsExactly(fip.id());
        assertThat(neutron.associateFloatingIp(fip.id(), null).portId()).isNull();
    }

    @Test
    void importsKeypairsIdempotently() {
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1TYNlL9qQ0v2mIJ9n8xD4l3x5h8yJx5m8M9x4v3ZQZ drover-test";
        Keypair keypair = client.nova().importKeypair(prefix + "-key", key);
        cleanups.add(() -> client.nova().deleteKeypair(prefix + "-key"));
        assertThat(keypair.fingerprint()).isNotBlank();
        assertThat(client.nova().importKeypair(prefix + "-key", key).fingerprint()).isEqualTo(keypair.fingerprint());
        client.nova().deleteKeypair(prefix + "-key");
        assertThat(client.nova().getKeypair(prefix + "-key")).isEmpty();
    }

    @Test
    void managesServerGroups() {
        ServerGroup group = client.nova().createServerGroup(prefix + "-group", "soft-anti-affinity");
        cleanups.add(() -> client.nova().deleteServerGroup(group.id()));
        assertThat(group.policy()).isEqualTo("soft-anti-affinity");
        assertThat(client.nova().findServerGroup(prefix + "-group")).contains(group);
        client.nova().deleteServerGroup(group.id());
        assertThat(client.nova().findServerGroup(prefix + "-group")).isEmpty();
    }

    private static CloudConfig config() {
        return CloudConfigLoader.standard(System.getenv(), Path.of("").toAbsolutePath()).load(null);
    }

    private static byte[] randomBytes() {
        return randomBytes(4);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random().nextBytes(bytes);
        return bytes;
    }
}
