package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.Server;
import io.drover.spi.Instance;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceMapperTest {

    @Test
    void mapsNovaStatesToCoarseStatuses() {
        assertThat(InstanceMapper.status("ACTIVE")).isEqualTo(Instance.Status.RUNNING);
        assertThat(InstanceMapper.status("BUILD")).isEqualTo(Instance.Status.BUILDING);
        assertThat(InstanceMapper.status("REBOOT")).isEqualTo(Instance.Status.BUILDING);
        assertThat(InstanceMapper.status("SHUTOFF")).isEqualTo(Instance.Status.STOPPED);
        assertThat(InstanceMapper.status("STOPPED")).isEqualTo(Instance.Status.STOPPED);
        assertThat(InstanceMapper.status("ERROR")).isEqualTo(Instance.Status.ERROR);
        assertThat(InstanceMapper.status("SOMETHING_NEW")).isEqualTo(Instance.Status.ERROR);
        assertThat(InstanceMapper.status(null)).isEqualTo(Instance.Status.ERROR);
    }

    @Test
    void instanceCarriesTheMetadataAsTags() {
        Server server = new Server("id1", "etcd-0", "ACTIVE", Map.of("drover-herd", "h"), List.of(), List.of("10.0.0.5"), List.of(),
                Instant.parse("2025-01-01T00:00:00Z"), null, null);

        Instance instance = InstanceMapper.toInstance(server, "10.0.0.5");

        assertThat(instance.tag("drover-herd")).isEqualTo("h");
        assertThat(instance.createdAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void aFloatingIpIsTheAccessAddressAndTheFixedOneThePeerAddress() {
        Server plain = new Server("id1", "web-0", "ACTIVE", Map.of(), List.of(), List.of("10.0.0.5"), List.of(), null, null, null);
        Server floating = new Server("id2", "web-1", "ACTIVE", Map.of(), List.of(), List.of("10.0.0.6"), List.of("172.24.4.9"), null, null, null);

        assertThat(InstanceMapper.toInstance(plain, "10.0.0.5").accessAddress()).isEqualTo("10.0.0.5");
        assertThat(InstanceMapper.toInstance(plain, "10.0.0.5").accessIp()).isNull();
        Instance withFloating = InstanceMapper.toInstance(floating, "10.0.0.6");
        assertThat(withFloating.ip()).isEqualTo("10.0.0.6");
        assertThat(withFloating.accessIp()).isEqualTo("172.24.4.9");
    }

    @Test
    void deletedServersAreGone() {
        Server deleted = new Server("id1", "n", "DELETED", Map.of(), List.of(), List.of(), List.of(), null, null, null);
        assertThat(InstanceMapper.gone(deleted)).isTrue();
    }
}
