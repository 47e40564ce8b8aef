package io.drover.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An etcd cluster bootstrapped from reserved addresses starts its members one after another, waiting for each
 * one's peer port, but only when its health check is etcd's: with {@code health: process} (e.g. a cloud whose
 * guests Drover cannot reach) no TCP probe is sent and the members are judged by the provider alone.
 */
class EtcdBootstrapProbeTest {
    @TempDir
    Path dir;

    @Test
    void bootstrapWithProcessHealthDoesNotWaitForPeerPorts() throws Exception {
        // Nothing listens on these loopback addresses: a peer-port probe would wait out the 2 s start timeout and fail.
        MemoryCloud cloud = MemoryCloud.builder().addresses("127.0.99.").build();
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: probe
                provider:
                  type: memory
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: base
                    health:
                      type: process
                      startTimeout: 2s
                """);
        ProviderFactory factory = new MemoryProviderFactory(cloud);
        Herd herd = new HerdLoader(List.of(factory)).load(file);

        ApplyResult result;
        try (Engine engine = new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), EventSink.NONE,
                Engine.Settings.DEFAULT)) {
            result = engine.apply(engine.plan(Planner.Options.APPLY));
        }

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.calls(MemoryCloud.Operation.RESERVE)).isEqualTo(3);
        assertThat(cloud.reservations("probe")).as("every reservation was used").isEmpty();
        List<String> ips = cloud.servers().stream().map(s -> s.instance().ip()).toList();
        assertThat(ips).hasSize(3).allMatch(ip -> ip.startsWith("127.0.99."));
        assertThat(cloud.servers()).allSatisfy(s -> assertThat(s.userData().orElseThrow().text())
                .as("each member's config names every reserved member").contains(ips));
    }
}
