package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.spi.Instance;
import io.drover.spi.LoadBalancer;
import io.drover.spi.PoolMember;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryCloud.Fault;
import io.drover.testkit.MemoryCloud.Logged;
import io.drover.testkit.MemoryCloud.Operation;
import io.drover.testkit.MemoryProviderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain cluster with a spare behind a load balancer, on the in-memory cloud and virtual time: the spare runs and
 * passes its (real, TCP on loopback) check outside the pool; a failed server's slot is taken by the spare, which joins
 * the pool, and a new spare is made; a promotion cut off half-way is finished by the next run; destroy removes spares.
 */
@Timeout(30)
class SparesEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ADDRESSES = "127.0.210.";
    private static final int LISTENING = 16;

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).addresses(ADDRESSES).build();
    private final MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
    private ListeningAddresses listening;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private int port;

    @BeforeEach
    void listen() throws IOException {
        listening = new ListeningAddresses(ADDRESSES, LISTENING);
        port = listening.port();
    }

    @AfterEach
    void close() throws IOException {
        listening.close();
    }

    private String web(int spares, String version) {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: 3
                    spares: %d
                    image: base
                    health: {type: tcp, port: %d, startTimeout: 5s}
                    loadBalancer: {port: 80, drain: 10s}
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/version
                            contents: {inline: "%s"}
                """.formatted(spares, port, version);
    }

    @Test
    void applyMakesTheSpareAfterTheMembersAndLeavesItOutOfThePool() throws Exception {
        assertThat(apply(web(1, "v1")).ok()).isTrue();

        assertThat(serverNames()).containsExactly("web-0-1", "web-1-1", "web-2-1", "web-3-1");
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-1-1", "web-2-1");
        assertThat(state().servers()).filteredOn(ServerRecord::spare).extracting(ServerRecord::name).containsExactly("web-3-1");
        List<Logged> log = cloud.log();
        for (String member : List.of("web-0-1", "web-1-1", "web-2-1")) {
            assertThat(log.indexOf(logged(Operation.LB_ADD_MEMBER, member))).as("members serve before the spare is made")
                    .isLessThan(log.indexOf(logged(Operation.CREATE, "web-3-1")));
        }
        assertThat(apply(web(1, "v1")).ok()).isTrue();
        assertThat(cloud.calls(Operation.CREATE)).as("a spare at rest is kept").isEqualTo(4);
    }

    @Test
    void aFailedServersSlotIsTakenByTheSpareWhichJoinsThePoolAndANewSpareIsMade() throws Exception {
        apply(web(1, "v1"));
        int before = cloud.log().size();
        cloud.setStatus("web-1-1", Instance.Status.STOPPED);

        Plan plan;
        ApplyResult healed;
        try (Engine engine = engine(load(web(1, "v1")))) {
            plan = engine.plan(Planner.Options.heal(Set.of()));
            healed = engine.apply(plan);
        }

        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).extracting(Change::action).containsExactly(Action.PROMOTE, Action.CREATE);
        assertThat(healed.ok()).isTrue();
        List<Logged> log = cloud.log().subList(before, cloud.log().size());
        assertThat(List.of(
                log.indexOf(logged(Operation.LB_ADD_MEMBER, "web-3-1")),
                log.indexOf(logged(Operation.LB_REMOVE_MEMBER, "web-1-1")),
                log.indexOf(logged(Operation.DESTROY, "web-1-1")),
                log.indexOf(logged(Operation.CREATE, "web-3-2"))))
                .as("the spare in, then the failed one out, then a new spare").doesNotContain(-1).isSorted();
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-3-1", "web-2-1");
        ServerRecord promoted = state().server("web-3-1").orElseThrow();
        assertThat(promoted.resource()).isEqualTo("web[1]");
        assertThat(promoted.spare()).isFalse();
        assertThat(state().server("web-3-2").orElseThrow()).satisfies(r -> assertThat(r.spare()).isTrue())
                .satisfies(r -> assertThat(r.resource()).isEqualTo("web[3]"));
        assertThat(serverNames()).containsExactly("web-0-1", "web-2-1", "web-3-1", "web-3-2");
    }

    @Test
    void aPromotionCutOffBeforeItWasRecordedIsFinishedByTheNextRun() throws Exception {
        apply(web(1, "v1"));
        cloud.setStatus("web-1-1", Instance.Status.STOPPED);
        cloud.inject(Fault.on(Operation.LB_ADD_MEMBER).target("web-3-1").always());
        try (Engine engine = engine(load(web(1, "v1")))) {
            assertThat(engine.apply(engine.plan(Planner.Options.heal(Set.of()))).ok()).isFalse();
        }
        assertThat(state().server("web-3-1").orElseThrow().spare()).as("not recorded as promoted before it was").isTrue();
        cloud.clearFaults();

        try (Engine engine = engine(load(web(1, "v1")))) {
            assertThat(engine.apply(engine.plan(Planner.Options.heal(Set.of()))).ok()).isTrue();
        }

        assertThat(state().servers()).extracting(ServerRecord::resource, ServerRecord::name, ServerRecord::spare).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web[0]", "web-0-1", false),
                org.assertj.core.groups.Tuple.tuple("web[1]", "web-3-1", false),
                org.assertj.core.groups.Tuple.tuple("web[2]", "web-2-1", false),
                org.assertj.core.groups.Tuple.tuple("web[3]", "web-3-2", true));
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-3-1", "web-2-1");
        assertThat(cloud.calls(Operation.CREATE)).as("one new spare, nothing else created").isEqualTo(5);
    }

    @Test
    void aChangedConfigRollsTheSpareTooAndDestroyRemovesIt() throws Exception {
        apply(web(1, "v1"));

        assertThat(apply(web(1, "v2")).ok()).isTrue();
        // The roll goes through the spare slot (see SparesRollEngineTest): each new server was made there.
        assertThat(serverNames()).containsExactly("web-3-2", "web-3-3", "web-3-4", "web-3-5");
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-3-2", "web-3-3", "web-3-4");

        try (Engine engine = engine(load(web(1, "v2")))) {
            assertThat(engine.apply(engine.plan(Planner.Options.DESTROY)).ok()).isTrue();
        }
        assertThat(serverNames()).isEmpty();
    }

    @Test
    void droppingTheSpareFromTheFileDestroysItAndOnlyIt() throws Exception {
        apply(web(1, "v1"));

        assertThat(apply(web(0, "v1")).ok()).isTrue();

        assertThat(serverNames()).containsExactly("web-0-1", "web-1-1", "web-2-1");
        assertThat(time.elapsed()).as("a spare serves nobody: no drain").isLessThan(Duration.ofSeconds(1));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private LoadBalancer lb() {
        return cloud.loadBalancers().get("shop", "web").orElseThrow();
    }

    private static Logged logged(Operation operation, String name) {
        return new Logged(operation, "shop", name);
    }

    private Herd load(String yaml) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);
        return new HerdLoader(List.of(factory)).load(file);
    }

    private Engine engine(Herd herd) {
        return new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), events::add,
                new Engine.Settings(10, Duration.ofSeconds(60)).withTime(time, time));
    }

    private ApplyResult apply(String yaml) throws Exception {
        try (Engine engine = engine(load(yaml))) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private List<String> serverNames() {
        return cloud.servers().stream().map(MemoryCloud.MemoryServer::name).sorted().toList();
    }

    private State state() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow();
    }
}
