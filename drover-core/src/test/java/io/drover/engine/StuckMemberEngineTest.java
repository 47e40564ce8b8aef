package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.Planner;
import io.drover.render.FirstBoot;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterRole;
import io.drover.spi.Endpoint;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryProviderFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that joined a live cluster and does not become healthy is shown to its role, and restarted when the role
 * says it is stuck: on the in-memory cloud (which counts reboots) and virtual time, with a role given through
 * {@link Engine.Settings#withRoles}; health is a real TCP check on loopback that answers only once the server was
 * restarted.
 */
@Timeout(20)
class StuckMemberEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time)
            .fixedAddress("web-0-1", "127.0.0.1").fixedAddress("web-1-1", "127.0.0.2").build();
    private final MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
    private final int port = freePort();
    private final List<ServerSocket> answering = new CopyOnWriteArrayList<>();
    /** The servers the role was asked about, and which live members each joined. */
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (ServerSocket s : answering) {
            s.close();
        }
    }

    @Test
    void aJoinedMemberItsRoleSaysIsStuckIsRestartedAndThenCounted() throws Exception {
        answer("127.0.0.1");
        assertThat(apply(1).failures()).isEmpty();

        ApplyResult grown = apply(2);

        assertThat(grown.failures()).isEmpty();
        assertThat(cloud.reboots("web-1-1")).as("the stuck member was restarted once").isEqualTo(1);
        assertThat(cloud.reboots("web-0-1")).as("the live member was left alone").isZero();
        assertThat(asked).containsExactly("web-1-1 joined [web-0-1]");
        assertThat(grown.state().servers()).extracting(ServerRecord::name, ServerRecord::tainted)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("web-0-1", false), org.assertj.core.groups.Tuple.tuple("web-1-1", false));
    }

    /** A plain role, except that a joined server that is not healthy yet counts as stuck. */
    private final ClusterRole stallingRole = new ClusterRole() {
        @Override
        public FirstBoot join(Endpoint self, Peers peers) {
            return FirstBoot.EMPTY;
        }

        @Override
        public void admit(ServerRecord joined, List<ServerRecord> live) {}

        @Override
        public Optional<String> stuck(ServerRecord joined, List<ServerRecord> live) {
            asked.add(joined.name() + " joined " + live.stream().map(ServerRecord::name).toList());
            return Optional.of("it waits out its request timeout");
        }

        @Override
        public void leave(ServerRecord leaving, List<ServerRecord> survivors) {}

        @Override
        public Optional<io.drover.plan.Membership> membership(List<ServerRecord> candidates) {
            return Optional.empty();
        }

        @Override
        public void verify(List<ServerRecord> recorded) {}

        @Override
        public boolean serialMembershipChanges() {
            return false;
        }

        @Override
        public List<Integer> ports() {
            return List.of();
        }
    };

    private ApplyResult apply(int size) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: %d
                    image: base
                    health: {type: tcp, port: %d, startTimeout: 60s}
                """.formatted(size, port));
        Herd herd = new HerdLoader(List.of(factory)).load(file);
        // The restarted server serves from the engine's next wait on.
        Sleeper sleeper = d -> {
            if (cloud.reboots("web-1-1") > 0 && answering.size() < 2) {
                answer("127.0.0.2");
            }
            time.sleep(d);
        };
        Engine.Settings settings = new Engine.Settings(10, Duration.ofSeconds(60)).withTime(time, sleeper)
                .withRoles((cluster, context) -> stallingRole);
        try (Engine engine = new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), EventSink.NONE, settings)) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private void answer(String ip) {
        try {
            answering.add(new ServerSocket(port, 50, InetAddress.getByName(ip)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
