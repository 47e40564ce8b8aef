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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A plain cluster with a spare behind a load balancer, on the in-memory cloud and virtual time: the spare runs and
 * passes its (real, TCP on loopback) check outside the pool; a failed server's slot is taken by the spare, which joins
 * the pool, and a new spare is made; a promotion cut off half-way is finished by the next run; destroy removes spares.
 * A roll goes through the spare: a spare of the new config is made, joins the pool, then an old member is drained and
 * destroyed and the next spare is made, the pool never below the cluster's size; a roll stopped after any step is
 * finished by the next apply, which does nothing twice.
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

    @Test
    void eachNewSpareJoinsThePoolBeforeAnOldMemberIsDrainedAndDestroyed() throws Exception {
        apply(web(1, "v1"));
        int before = cloud.log().size();

        Plan plan = plan(web(1, "v2"));
        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).extracting(Change::resource, Change::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web[3]", Action.REPLACE), org.assertj.core.groups.Tuple.tuple("web[0]", Action.PROMOTE), org.assertj.core.groups.Tuple.tuple("web[3]", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("web[1]", Action.PROMOTE), org.assertj.core.groups.Tuple.tuple("web[3]", Action.CREATE), org.assertj.core.groups.Tuple.tuple("web[2]", Action.PROMOTE), org.assertj.core.groups.Tuple.tuple("web[3]", Action.CREATE));
        assertThat(apply(web(1, "v2")).ok()).isTrue();

        List<Logged> roll = cloud.log().subList(before, cloud.log().size());
        assertThat(List.of(
                roll.indexOf(logged(Operation.CREATE, "web-3-2")),
                roll.indexOf(logged(Operation.DESTROY, "web-3-1")),
                roll.indexOf(logged(Operation.LB_ADD_MEMBER, "web-3-2")),
                roll.indexOf(logged(Operation.LB_DRAIN_MEMBER, "web-0-1")),
                roll.indexOf(logged(Operation.DESTROY, "web-0-1")),
                roll.indexOf(logged(Operation.CREATE, "web-3-3")),
                roll.indexOf(logged(Operation.LB_ADD_MEMBER, "web-3-3")),
                roll.indexOf(logged(Operation.LB_DRAIN_MEMBER, "web-1-1")),
                roll.indexOf(logged(Operation.DESTROY, "web-1-1")),
                roll.indexOf(logged(Operation.CREATE, "web-3-4")),
                roll.indexOf(logged(Operation.LB_ADD_MEMBER, "web-3-4")),
                roll.indexOf(logged(Operation.LB_DRAIN_MEMBER, "web-2-1")),
                roll.indexOf(logged(Operation.DESTROY, "web-2-1")),
                roll.indexOf(logged(Operation.CREATE, "web-3-5"))))
                .as("new spare first, then in the pool, then the old member out, one member at a time").doesNotContain(-1).isSorted();
        assertThat(fewestReadyInPool(roll, Set.of("web-0-1", "web-1-1", "web-2-1"))).as("the pool never below the cluster's size").isEqualTo(3);
        assertRolled();
        assertThat(cloud.calls(Operation.CREATE)).as("four servers for the roll, as without the spare").isEqualTo(8);
    }

    /**
     * Stopped at each step of the roll (a failed call stops an apply as a kill would after the step before: the state is
     * written after every step), the next apply finishes it: the same servers in the end, each created and destroyed once.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "CREATE, web-3-2", "LB_ADD_MEMBER, web-3-2", "LB_DRAIN_MEMBER, web-0-1", "LB_REMOVE_MEMBER, web-0-1", "DESTROY, web-0-1",
            "CREATE, web-3-3", "LB_ADD_MEMBER, web-3-3", "DESTROY, web-1-1", "CREATE, web-3-5", "CRASH_AFTER_CREATE, web-3-3"})
    void aRollStoppedAtAnyStepIsFinishedByTheNextApplyWhichDoesNothingTwice(String step, String server) throws Exception {
        apply(web(1, "v1"));
        int before = cloud.log().size();
        if (step.equals("CRASH_AFTER_CREATE")) {
            cloud.inject(Fault.on(Operation.CREATE).target(server).crashAfterCreate());
        } else {
            Operation operation = Operation.valueOf(step);
            String target = operation == Operation.DESTROY ? instanceIdOf(server) : server;
            cloud.inject(Fault.on(operation).target(target).always());
        }

        ApplyResult stopped;
        try {
            stopped = apply(web(1, "v2"));
        } catch (MemoryCloud.SimulatedCrash crash) {
            stopped = null; // the process died
        }
        assertThat(stopped == null || !stopped.ok()).as("the fault stopped the roll").isTrue();
        cloud.clearFaults();

        assertThat(apply(web(1, "v2")).ok()).isTrue();

        List<Logged> roll = cloud.log().subList(before, cloud.log().size());
        assertRolled();
        assertThat(roll).filteredOn(l -> l.operation() == Operation.CREATE).extracting(Logged::name)
                .as("each server created once").containsExactly("web-3-2", "web-3-3", "web-3-4", "web-3-5");
        assertThat(roll).filteredOn(l -> l.operation() == Operation.DESTROY).extracting(Logged::name)
                .as("each old server destroyed once").containsExactlyInAnyOrder("web-3-1", "web-0-1", "web-1-1", "web-2-1");
        assertThat(fewestReadyInPool(roll, Set.of("web-0-1", "web-1-1", "web-2-1"))).as("the pool never below the cluster's size")
                .isGreaterThanOrEqualTo(3);
        assertThat(plan(web(1, "v2")).changes()).filteredOn(c -> !c.isNoOp()).isEmpty();
    }

        private void assertRolled() throws Exception {
        assertThat(state().servers()).extracting(ServerRecord::resource, ServerRecord::name, ServerRecord::spare).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web[0]", "web-3-2", false), org.assertj.core.groups.Tuple.tuple("web[1]", "web-3-3", false), org.assertj.core.groups.Tuple.tuple("web[2]", "web-3-4", false),
                org.assertj.core.groups.Tuple.tuple("web[3]", "web-3-5", true));
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-3-2", "web-3-3", "web-3-4");
        assertThat(lb().members()).extracting(PoolMember::state).containsOnly(PoolMember.State.READY);
        assertThat(cloud.servers()).extracting(MemoryCloud.MemoryServer::name).containsExactlyInAnyOrder("web-3-2", "web-3-3", "web-3-4", "web-3-5");
    }

    /** The fewest servers the pool had ready (in it and not draining) at any moment of the logged roll. */
    private static int fewestReadyInPool(List<Logged> roll, Set<String> atStart) {
        Set<String> ready = new HashSet<>(atStart);
        int fewest = ready.size();
        for (Logged l : roll) {
            switch (l.operation()) {
                case LB_ADD_MEMBER -> ready.add(l.name());
                case LB_DRAIN_MEMBER, LB_REMOVE_MEMBER -> ready.remove(l.name());
                default -> { }
            }
            fewest = Math.min(fewest, ready.size());
        }
        return fewest;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String instanceIdOf(String server) {
        return cloud.servers().stream().filter(s -> s.name().equals(server)).map(s -> s.instance().id()).findFirst().orElseThrow();
    }

    private Plan plan(String yaml) throws Exception {
        try (Engine engine = engine(load(yaml))) {
            return engine.plan(Planner.Options.APPLY);
        }
    }

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
