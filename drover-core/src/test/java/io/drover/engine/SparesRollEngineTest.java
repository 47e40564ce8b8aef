package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.drover.apply.ApplyResult;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A roll of a plain cluster with a spare behind a load balancer goes through the spare, on the in-memory cloud and
 * virtual time: a spare of the new config is made, joins the pool, then the old member is drained and destroyed, and
 * the next spare is made; the pool never has fewer than the cluster's size. A run stopped after any step of it is
 * finished by the next one, which does nothing twice.
 */
@Timeout(30)
class SparesRollEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ADDRESSES = "127.0.242.";
    private static final int LISTENING = 16;

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).addresses(ADDRESSES).build();
    private final MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
    private ListeningAddresses listening;
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

    @Test
    void eachNewSpareJoinsThePoolBeforeAnOldMemberIsDrainedAndDestroyed() throws Exception {
        apply("v1");
        int before = cloud.log().size();

        Plan plan = plan("v2");
        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).extracting(Change::resource, Change::action).containsExactly(
                tuple("web[3]", Action.REPLACE), tuple("web[0]", Action.PROMOTE), tuple("web[3]", Action.CREATE),
                tuple("web[1]", Action.PROMOTE), tuple("web[3]", Action.CREATE), tuple("web[2]", Action.PROMOTE), tuple("web[3]", Action.CREATE));
        assertThat(apply("v2").ok()).isTrue();

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
        apply("v1");
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
            stopped = apply("v2");
        } catch (MemoryCloud.SimulatedCrash crash) {
            stopped = null; // the process died
        }
        assertThat(stopped == null || !stopped.ok()).as("the fault stopped the roll").isTrue();
        cloud.clearFaults();

        assertThat(apply("v2").ok()).isTrue();

        List<Logged> roll = cloud.log().subList(before, cloud.log().size());
        assertRolled();
        assertThat(roll).filteredOn(l -> l.operation() == Operation.CREATE).extracting(Logged::name)
                .as("each server created once").containsExactly("web-3-2", "web-3-3", "web-3-4", "web-3-5");
        assertThat(roll).filteredOn(l -> l.operation() == Operation.DESTROY).extracting(Logged::name)
                .as("each old server destroyed once").containsExactlyInAnyOrder("web-3-1", "web-0-1", "web-1-1", "web-2-1");
        assertThat(fewestReadyInPool(roll, Set.of("web-0-1", "web-1-1", "web-2-1"))).as("the pool never below the cluster's size")
                .isGreaterThanOrEqualTo(3);
        assertThat(plan("v2").changes()).filteredOn(c -> !c.isNoOp()).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void assertRolled() throws Exception {
        assertThat(state().servers()).extracting(ServerRecord::resource, ServerRecord::name, ServerRecord::spare).containsExactlyInAnyOrder(
                tuple("web[0]", "web-3-2", false), tuple("web[1]", "web-3-3", false), tuple("web[2]", "web-3-4", false),
                tuple("web[3]", "web-3-5", true));
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

    private String instanceIdOf(String server) {
        return cloud.servers().stream().filter(s -> s.name().equals(server)).map(s -> s.instance().id()).findFirst().orElseThrow();
    }

    private String web(String version) {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: 3
                    spares: 1
                    image: base
                    health: {type: tcp, port: %d, startTimeout: 5s}
                    loadBalancer: {port: 80, drain: 10s}
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/version
                            contents: {inline: "%s"}
                """.formatted(port, version);
    }

    private LoadBalancer lb() {
        return cloud.loadBalancers().get("shop", "web").orElseThrow();
    }

    private static Logged logged(Operation operation, String name) {
        return new Logged(operation, "shop", name);
    }

    private Engine engine(String version) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, web(version));
        Herd herd = new HerdLoader(List.of(factory)).load(file);
        return new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), e -> { },
                new Engine.Settings(10, Duration.ofSeconds(60)).withTime(time, time));
    }

    private Plan plan(String version) throws Exception {
        try (Engine engine = engine(version)) {
            return engine.plan(Planner.Options.APPLY);
        }
    }

    private ApplyResult apply(String version) throws Exception {
        try (Engine engine = engine(version)) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private State state() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow();
    }
}
