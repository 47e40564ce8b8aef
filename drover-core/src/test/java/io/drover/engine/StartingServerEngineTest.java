package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.Action;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.retry.Sleeper;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryCloud.Operation;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply killed while its new server was not yet healthy (the state marks it so), then the next apply, on the
 * in-memory cloud and virtual time; the server's health is a real TCP check on loopback, answered or not by this test.
 * Within its start timeout the next apply waits for it and keeps it; after it, the server is replaced.
 */
@Timeout(20)
class StartingServerEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).fixedAddress("web-0-1", "127.0.0.1").build();
    private final MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
    /** Runs at every sleep of the engine (a health check that failed waits before the next). */
    private final AtomicReference<Runnable> onSleep = new AtomicReference<>(() -> {});
    private final int port = freePort();
    private ServerSocket answering;

    @AfterEach
    void close() throws IOException {
        if (answering != null) {
            answering.close();
        }
    }

    private String web() {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: 1
                    image: base
                    health: {type: tcp, port: %d, startTimeout: 60s}
                """.formatted(port);
    }

    @Test
    void aServerAKilledApplyLeftStartingIsWaitedForByTheNextApplyAndKept() throws Exception {
        applyKilledWhileWaitingForHealth();
        time.sleep(Duration.ofSeconds(20)); // the next run starts 20 s later, the server still silent
        onSleep.set(this::answer); // it answers during the next apply's wait

        ApplyResult result = apply();

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.log()).as("nothing destroyed, nothing created again")
                .containsExactly(new MemoryCloud.Logged(Operation.CREATE, "shop", "web-0-1"));
        assertThat(state()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("web-0-1");
            assertThat(r.tainted()).as("healthy now").isFalse();
        });
        assertThat(plan().hasChanges()).as("the next plan is empty").isFalse();
    }

    @Test
    void theNextPlanSaysItWaitsForTheServerAndApplyFailsClearlyIfItNeverAnswers() throws Exception {
        applyKilledWhileWaitingForHealth();
        time.sleep(Duration.ofSeconds(20));

        Plan plan = plan();
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(Action.AWAIT));
        ApplyResult result = apply();

        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.message()).contains("web-0-1").contains("60"));
        assertThat(time.elapsed()).as("it waited out what was left of the start timeout, no more")
                .isBetween(Duration.ofSeconds(60), Duration.ofSeconds(61));
        assertThat(cloud.log()).extracting(MemoryCloud.Logged::operation).containsExactly(Operation.CREATE);
    }

    @Test
    void aServerThatNeverBecomesHealthyFailsTheApplyQuotingTheEndOfItsLog() throws Exception {
        cloud.writesAtBoot("web-0-1", "starting web", "listening nowhere: --port must be at least 1024", "exited with status 1");

        ApplyResult result = apply();

        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.message())
                .contains("web-0-1 did not become healthy within 60 s")
                .contains("Its log ends with:\n    starting web\n    listening nowhere: --port must be at least 1024\n    exited with status 1"));
    }

    @Test
    void aServerStillSilentAfterItsStartTimeoutIsReplaced() throws Exception {
        applyKilledWhileWaitingForHealth();
        time.sleep(Duration.ofSeconds(61));

        Plan plan = plan();

        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(Action.REPLACE));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The first apply creates web-0-1 and is killed at its first wait for the server's health. */
    private void applyKilledWhileWaitingForHealth() throws Exception {
        onSleep.set(() -> {
            throw new MemoryCloud.SimulatedCrash("killed while waiting for web-0-1 to become healthy");
        });
        Herd herd = load();
        try (Engine engine = engine(herd)) {
            Plan plan = engine.plan(Planner.Options.APPLY);
            assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(MemoryCloud.SimulatedCrash.class);
        }
        onSleep.set(() -> {});
        assertThat(state()).singleElement().satisfies(r -> assertThat(r.tainted()).as("recorded, not yet healthy").isTrue());
    }

    private void answer() {
        try {
            if (answering == null) {
                answering = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
            }
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

    private Herd load() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, web());
        return new HerdLoader(List.of(factory)).load(file);
    }

    private Engine engine(Herd herd) {
        Sleeper sleeper = d -> {
            onSleep.get().run();
            time.sleep(d);
        };
        return new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), EventSink.NONE,
                new Engine.Settings(10, Duration.ofSeconds(60)).withTime(time, sleeper));
    }

    private ApplyResult apply() throws Exception {
        try (Engine engine = engine(load())) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private Plan plan() throws Exception {
        try (Engine engine = engine(load())) {
            return engine.plan(Planner.Options.APPLY);
        }
    }

    private List<ServerRecord> state() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow().servers();
    }
}
