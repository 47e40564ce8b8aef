package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.NeutronClient.PortQuery;
import io.drover.provider.openstack.client.NovaClient.ServerQuery;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.spi.UserData;
import io.drover.testkit.ProviderContract;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenStack provider keeps the provider contract on a real cloud ({@code OS_CLOUD}; in CI the all-in-one cloud,
 * whose Nova runs the fake driver: servers are ACTIVE in about a second). It cannot report drift: the guest is not
 * Drover's to look into.
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackProviderContractTest extends ProviderContract {
    @RegisterExtension
    static final AdminClient admin = new AdminClient();

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected Map<String, Object> settings() {
        return TestCloud.providerSettings();
    }

    @Override
    protected Map<String, String> environment() {
        return TestCloud.environment();
    }

    @Override
    protected String image() {
        return "tiny";
    }

    @Override
    protected Map<String, Object> clusterOptions() {
        return Map.of("flavor", "m1.tiny");
    }

    @Override
    protected UserDataTemplate userData() {
        return new UserDataTemplate(UserData.CLOUD_INIT, "#cloud-config\n# {{name}} at {{ip}}\n");
    }

    /** As when the hypervisor fails the guest: Nova reports ERROR. */
    @Override
    protected void killBehindTheProvidersBack(Instance server) {
        admin.client().nova().resetState(server.id(), "error");
    }

    @Override
    protected String unknownServerId() {
        return UUID.randomUUID().toString();
    }

    /** No server and no port of that name (a port outlives its server if nobody deletes it). */
    @Override
    protected void assertNothingLeftOf(String name) {
        assertThat(admin.client().nova().listServers(ServerQuery.named(name))).filteredOn(s -> !InstanceMapper.gone(s))
                .filteredOn(s -> name.equals(s.name())).isEmpty();
        assertThat(admin.client().neutron().listPorts(new PortQuery(null, name, null))).isEmpty();
    }

    /** A cloud goes on building a server whose creator died. */
    @Override
    protected Duration settleTimeout() {
        return Duration.ofMinutes(2);
    }

    /** The digests of the baked images this test uploaded, whose Glance images go with the test. */
    private final java.util.List<String> uploaded = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A baked image as Glance takes it: a disk with the kernel and initramfs it boots with (a few bytes each: Glance
     * stores what it is given, and the contract only resolves it; BakedVmImageTest in drover-cli bakes and boots a
     * real one).
     */
    @Override
    protected java.util.Optional<io.drover.spi.ImageSource.Baked> bakedImage() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(tempDir().resolve("baked"));
        for (String part : java.util.List.of("disk.qcow2", "kernel", "initrd")) {
            java.nio.file.Files.writeString(dir.resolve(part), "drover contract " + part + "\n");
        }
        String digest = "sha256:" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong()).repeat(4);
        uploaded.add(digest);
        return java.util.Optional.of(new io.drover.spi.ImageSource.Baked("contract", digest, java.util.Optional.empty(),
                java.util.Optional.of(new io.drover.spi.ImageSource.BootDisk(dir.resolve("disk.qcow2"), dir.resolve("kernel"),
                        dir.resolve("initrd"), "console=ttyS0"))));
    }

    @org.junit.jupiter.api.AfterEach
    void deleteUploadedImages() {
        for (String digest : uploaded) {
            admin.client().glance().listImages(null, BakedImageUpload.tag(digest)).forEach(i -> admin.client().glance().deleteImage(i.id()));
        }
    }
}
