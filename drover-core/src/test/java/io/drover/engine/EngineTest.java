package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.addr.ServerName;
import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.Action;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.plan.Reason;
import io.drover.retry.Sleeper;
import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryCloud.Fault;
import io.drover.testkit.MemoryCloud.Logged;
import io.drover.testkit.MemoryCloud.Operation;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine (plan + apply) against the in-memory cloud, a real file state store and virtual time: rolls, dependency
 * order, failures, crashes, heal's plans and retries, each in milliseconds. What the cloud did is read from its
 * {@link MemoryCloud#log()}, what the engine recorded from the state file.
 */
@Timeout(20) // a walk that never ends fails the test instead of the build
class EngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).build();
    private final MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
    private int parallelism = 10;

    /** A cluster {@code web} of plain servers whose first-boot config holds {@code version}. */
    private static String web(int size, int maxUnavailable, String version) {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: %d
                    image: base
                    maxUnavailable: %d
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/version
                            contents: {inline: "%s"}
                """.formatted(size, maxUnavailable, version);
    }

    @Test
    void aRollingReplacementKeepsAtMostMaxUnavailableInFlightAndCreatesEachReplacementBeforeDestroyingItsServer() throws Exception {
        assertThat(apply(web(4, 2, "v1")).ok()).isTrue();
        int before = cloud.log().size();
        // The old web[0] stays half-destroyed: its slot is being replaced for as long as the hold lasts, so the roll
        // goes on with the other half of its budget only.
        MemoryCloud.Hold held = cloud.hold(Operation.DESTROY, cloud.server("web-0-1").orElseThrow().instance().id());
        Herd v2 = load(web(4, 2, "v2"));

        CompletableFuture<ApplyResult> roll = CompletableFuture.supplyAsync(() -> {
            try {
                return apply(v2);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(held.awaitReached(Duration.ofSeconds(5))).isTrue();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> cloud.log().contains(new Logged(Operation.DESTROY, "shop", "web-3-1")));
            assertThat(cloud.server("web-2-2")).as("web[2] waits for web[0], which is still being replaced").isEmpty();
        } finally {
            held.release();
        }
        ApplyResult result = roll.get(5, TimeUnit.SECONDS);

        assertThat(result.failures()).isEmpty();
        List<Logged> rolled = cloud.log().subList(before, cloud.log().size());
        assertThat(mostSlotsBeingReplacedAtOnce(rolled)).as("slots with two servers at once").isEqualTo(2);
        for (int slot = 0; slot < 4; slot++) {
            int created = rolled.indexOf(new Logged(Operation.CREATE, "shop", "web-" + slot + "-2"));
            int destroyed = rolled.indexOf(new Logged(Operation.DESTROY, "shop", "web-" + slot + "-1"));
            assertThat(created).as("web[%d] replaced", slot).isNotNegative();
            assertThat(created).as("web[%d]'s replacement is created before its server is destroyed", slot).isLessThan(destroyed);
        }
        assertThat(serverNames()).containsExactly("web-0-2", "web-1-2", "web-2-2", "web-3-2");
        assertThat(recordedNames()).containsExactly("web-0-2", "web-1-2", "web-2-2", "web-3-2");
    }

    @Test
    void aDependentClusterIsCreatedAfterItsDependencyAndDestroyedBeforeIt() throws Exception {
        // One step at a time: the order is then the graph's alone. Without the dependency, app (declared first)
        // would go first on create.
        parallelism = 1;
        Herd herd = load("""
                herd: shop
                provider:
                  type: memory
                clusters:
                  app: {size: 3, image: base, dependsOn: [db]}
                  db: {size: 2, image: base}
                """);

        assertThat(apply(herd).ok()).isTrue();
        List<String> created = cloud.log().stream().map(Logged::name).toList();
        assertThat(clusters(created)).containsExactly("db", "db", "app", "app", "app");

        ApplyResult destroyed;
        try (Engine engine = engine(herd)) {
            destroyed = engine.apply(engine.plan(Planner.Options.DESTROY));
        }

        assertThat(destroyed.ok()).isTrue();
        List<Logged> log = cloud.log();
        List<String> gone = log.subList(created.size(), log.size()).stream()
                .filter(l -> l.operation() == Operation.DESTROY).map(Logged::name).toList();
        assertThat(clusters(gone)).containsExactly("app", "app", "app", "db", "db");
        assertThat(cloud.servers()).isEmpty();
        assertThat(store().read().orElseThrow().servers()).isEmpty();
    }

    @Test
    void aFailedCreateMidRollIsReportedTypedLeavesNoOrphanAndTheNextApplyConverges() throws Exception {
        assertThat(apply(web(5, 2, "v1")).ok()).isTrue();
        cloud.inject(Fault.on(Operation.CREATE).target("web-2-2").message("quota exceeded"));

        ApplyResult failed = apply(web(5, 2, "v2"));

        // web[4] rolls after web[2] (two at a time): it is skipped; web[1] and web[3] are independent of web[2].
        assertThat(failed.failures()).singleElement().satisfies(f -> {
            assertThat(f.resource()).isEqualTo("web[2]");
            assertThat(f.cause()).isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse());
        });
        assertThat(failed.skipped()).isEqualTo(1);
        assertThat(recordedNames()).as("every completed step is recorded")
                .containsExactly("web-0-2", "web-1-2", "web-2-1", "web-3-2", "web-4-1");
        assertThat(serverNames()).as("no orphan: the cloud has exactly what the state records").isEqualTo(recordedNames());
        assertThat(recordedIds()).isEqualTo(serverIds());

        cloud.clearFaults();
        ApplyResult again = apply(web(5, 2, "v2"));

        assertThat(again.ok()).isTrue();
        assertThat(serverNames()).containsExactly("web-0-2", "web-1-2", "web-2-2", "web-3-2", "web-4-2");
        assertThat(recordedIds()).isEqualTo(serverIds());
        assertThat(plan(web(5, 2, "v2"), Planner.Options.APPLY).hasChanges()).as("converged").isFalse();
    }

    @Test
    void aServerCreatedByARunKilledBeforeSavingItIsAdoptedByTheNextPlanWithoutADuplicate() throws Exception {
        cloud.inject(Fault.on(Operation.CREATE).target("web-1-1").crashAfterCreate());

        killedApply(web(3, 1, "v1"));

        assertThat(cloud.server("web-1-1")).as("the server exists").isPresent();
        assertThat(recordedNames()).as("but the killed run did not record it").doesNotContain("web-1-1");
        Plan plan = plan(web(3, 1, "v1"), Planner.Options.APPLY);
        assertThat(plan.changesOf("web")).filteredOn(c -> c.resource().equals("web[1]"))
                .singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(Action.ADOPT));

        ApplyResult result = apply(web(3, 1, "v1"));

        assertThat(result.ok()).isTrue();
        assertThat(serverNames()).containsExactly("web-0-1", "web-1-1", "web-2-1");
        assertThat(recordedIds()).isEqualTo(serverIds());
        assertThat(cloud.renders("web-1-1")).as("adopted, not built again").isEqualTo(1);
    }

    @Test
    void aServerLeftHalfCreatedByAKilledRunIsDestroyedAndItsSlotFilledOnce() throws Exception {
        assertThat(apply(web(2, 1, "v1")).ok()).isTrue();
        // A run that was growing the cluster died while web[2]'s server was still being built: it is stopped, never
        // rendered, never recorded.
        cloud.inject(Fault.on(Operation.CREATE).target("web-2-1").crashWhileRendering(Instance.Status.STOPPED));
        killedApply(web(3, 1, "v1"));
        assertThat(recordedNames()).containsExactly("web-0-1", "web-1-1");

        ApplyResult result = apply(web(3, 1, "v1"));

        assertThat(result.ok()).isTrue();
        // The leftover never served: it goes first, and the slot gets a server of the next generation.
        List<Logged> log = cloud.log();
        assertThat(log.indexOf(new Logged(Operation.DESTROY, "shop", "web-2-1")))
                .isNotNegative().isLessThan(log.indexOf(new Logged(Operation.CREATE, "shop", "web-2-2")));
        assertThat(serverNames()).containsExactly("web-0-1", "web-1-1", "web-2-2");
        assertThat(cloud.server("web-2-2").orElseThrow().instance().status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(recordedIds()).isEqualTo(serverIds());
    }

    @Test
    void healReplacesOnlyTheUnhealthyServersAndNeverCreatesSlotsNobodyApplied() throws Exception {
        assertThat(apply(web(3, 1, "v1")).ok()).isTrue();
        // The herd file grew and changed since: filling and rolling it is apply's job, not heal's.
        Herd grown = load(web(5, 1, "v2"));

        Plan heal = plan(grown, Planner.Options.heal(Set.of("web-1-1")));

        assertThat(heal.changes()).filteredOn(c -> !c.isNoOp()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.before().name()).isEqualTo("web-1-1");
            assertThat(c.reason()).isEqualTo(Reason.UNHEALTHY);
        });
        ApplyResult healed;
        try (Engine engine = engine(grown, settings().forHeal())) {
            healed = engine.apply(heal);
        }
        assertThat(healed.ok()).isTrue();
        assertThat(serverNames()).containsExactly("web-0-1", "web-1-2", "web-2-1");

        try (Engine engine = engine(grown)) {
            engine.apply(engine.plan(Planner.Options.DESTROY));
        }
        Plan afterDestroy = plan(grown, Planner.Options.heal(Set.of()));
        assertThat(afterDestroy.changes()).as("a destroyed herd stays destroyed").noneMatch(c -> c.action() == Action.CREATE);
        assertThat(afterDestroy.hasChanges()).isFalse();
        assertThat(cloud.servers()).isEmpty();
    }

    @Test
    void aRetryableCreateFailureIsRetriedAfterVirtualBackoffWithoutWaiting() throws Exception {
        cloud.inject(Fault.on(Operation.CREATE).target("web-0-1").retryable().times(2).message("503 service unavailable"));
        long start = System.nanoTime();

        ApplyResult result = apply(web(1, 1, "v1"));

        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.failures()).isEmpty();
        assertThat(cloud.calls(Operation.CREATE)).isEqualTo(3);
        assertThat(serverNames()).containsExactly("web-0-1");
        assertThat(time.sleeps()).as("one jittered backoff after each failure, 1 s then 2 s at most").hasSize(2);
        assertThat(time.sleeps().get(0)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        assertThat(time.sleeps().get(1)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
        assertThat(time.elapsed()).isEqualTo(time.sleeps().stream().reduce(Duration.ZERO, Duration::plus));
        assertThat(wall).as("no real waiting").isLessThan(Duration.ofSeconds(1));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Runs an apply that an injected crash kills: it ends where the killed process would have died. */
    private void killedApply(String yaml) throws Exception {
        Herd herd = load(yaml);
        try (Engine engine = engine(herd)) {
            Plan plan = engine.plan(Planner.Options.APPLY);
            assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(MemoryCloud.SimulatedCrash.class);
        }
    }

    /** The most slots that had two servers (one being replaced) at once, replaying the cloud's log from one per slot. */
    private static int mostSlotsBeingReplacedAtOnce(List<Logged> log) {
        Map<String, Integer> perSlot = new HashMap<>();
        int most = 0;
        for (Logged l : log) {
            String slot = ServerName.parse(l.name()).orElseThrow().slotAddress().toString();
            perSlot.merge(slot, l.operation() == Operation.CREATE ? 1 : -1, Integer::sum);
            most = Math.max(most, (int) perSlot.values().stream().filter(n -> n > 0).count());
        }
        return most;
    }

    private static List<String> clusters(List<String> serverNames) {
        return serverNames.stream().map(n -> ServerName.parse(n).orElseThrow().cluster()).toList();
    }

    private Herd load(String yaml) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);
        return new HerdLoader(List.of(factory)).load(file);
    }

    private FileStateStore store() {
        return new FileStateStore(dir.resolve(".drover"));
    }

    private Engine.Settings settings() {
        return new Engine.Settings(parallelism, Duration.ofSeconds(60)).withTime(time, time);
    }

    private Engine engine(Herd herd) {
        return engine(herd, settings());
    }

    private Engine engine(Herd herd, Engine.Settings settings) {
        return new Engine(herd, factory, store(), Map.of(), EventSink.NONE, settings);
    }

    private ApplyResult apply(String yaml) throws Exception {
        return apply(load(yaml));
    }

    private ApplyResult apply(Herd herd) throws Exception {
        try (Engine engine = engine(herd)) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private Plan plan(String yaml, Planner.Options options) throws Exception {
        return plan(load(yaml), options);
    }

    private Plan plan(Herd herd, Planner.Options options) throws Exception {
        try (Engine engine = engine(herd)) {
            return engine.plan(options);
        }
    }

    private List<String> serverNames() {
        return cloud.servers().stream().map(MemoryCloud.MemoryServer::name).sorted().toList();
    }

    private List<String> serverIds() {
        return cloud.servers().stream().map(s -> s.instance().id()).sorted().toList();
    }

    private List<String> recordedNames() throws Exception {
        return state().servers().stream().map(ServerRecord::name).sorted().toList();
    }

    private List<String> recordedIds() throws Exception {
        return state().servers().stream().map(ServerRecord::instanceId).sorted().toList();
    }

    private State state() throws Exception {
        return store().read().orElseThrow();
    }

    /** Time that passes only when something sleeps: a sleep moves the clock on at once and is remembered. */
    static final class VirtualTime extends Clock implements Sleeper {
        private final Instant start;
        private final AtomicReference<Instant> now;
        private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

        VirtualTime(Instant start) {
            this.start = start;
            this.now = new AtomicReference<>(start);
        }

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            now.accumulateAndGet(start, (t, ignored) -> t.plus(duration));
        }

        List<Duration> sleeps() {
            return List.copyOf(sleeps);
        }

        Duration elapsed() {
            return Duration.between(start, now.get());
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("virtual time is UTC");
        }
    }
}
