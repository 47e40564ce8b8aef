package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.plan.LoadBalancerChange;
import io.drover.plan.LoadBalancerChange.Kind;
import io.drover.plan.Planner;
import io.drover.spi.Instance;
import io.drover.spi.LoadBalancer;
import io.drover.spi.PoolMember;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine keeps a cluster's load balancer pool in step with its servers, on the in-memory cloud and virtual time:
 * a server joins once its (real, TCP on loopback) health check passes; one going away is drained, taken out, then
 * destroyed; a dead one is taken out at once; a run that fails between two of these is finished by the next. The order
 * is read from the cloud's log, which holds creates, destroys and every pool change.
 */
@Timeout(20)
class LoadBalancedEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** Servers get 127.0.160.1, .2, ... where this test listens; a replacement pinned to 127.0.161.1 never answers. */
    private static final String ADDRESSES = "127.0.160.";
    private static final int LISTENING = 24;

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).addresses(ADDRESSES).fixedAddress("web-0-9", "127.0.161.1").build();
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

    private String web(int size, String version, String drain) {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: %d
                    image: base
                    health: {type: tcp, port: %d, startTimeout: 5s}
                    loadBalancer: {port: 80, drain: %s}
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/version
                            contents: {inline: "%s"}
                """.formatted(size, port, drain, version);
    }

    @Test
    void aNewClusterGetsALoadBalancerWhoseMembersJoinEachAfterItsServerServes() throws Exception {
        assertThat(apply(web(3, "v1", "10s")).ok()).isTrue();

        LoadBalancer lb = lb();
        assertThat(lb.port()).isEqualTo(80);
        assertThat(lb.members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-1-1", "web-2-1");
        assertThat(lb.members()).allSatisfy(m -> {
            assertThat(m.state()).isEqualTo(PoolMember.State.READY);
            assertThat(m.port()).as("the target port defaults to the health check's").isEqualTo(port);
        });
        List<Logged> log = cloud.log();
        assertThat(log.indexOf(logged(Operation.LB_ENSURE, "web"))).as("the load balancer exists before any server").isLessThan(
                log.indexOf(logged(Operation.CREATE, "web-0-1")));
        for (String name : List.of("web-0-1", "web-1-1", "web-2-1")) {
            assertThat(log.indexOf(logged(Operation.CREATE, name))).isLessThan(log.indexOf(logged(Operation.LB_ADD_MEMBER, name)));
        }
    }

    @Test
    void aRollingReplacementAddsEachNewServerThenDrainsRemovesAndOnlyThenDestroysTheOldOne() throws Exception {
        apply(web(3, "v1", "10s"));
        int before = cloud.log().size();

        assertThat(apply(web(3, "v2", "10s")).ok()).isTrue();

        List<Logged> rolled = cloud.log().subList(before, cloud.log().size());
        for (int slot = 0; slot < 3; slot++) {
            String old = "web-" + slot + "-1";
            String neu = "web-" + slot + "-2";
            assertThat(List.of(
                    rolled.indexOf(logged(Operation.CREATE, neu)),
                    rolled.indexOf(logged(Operation.LB_ADD_MEMBER, neu)),
                    rolled.indexOf(logged(Operation.LB_DRAIN_MEMBER, old)),
                    rolled.indexOf(logged(Operation.LB_REMOVE_MEMBER, old)),
                    rolled.indexOf(logged(Operation.DESTROY, old))))
                    .as("slot %d: create, join, drain, remove, destroy", slot)
                    .doesNotContain(-1)
                    .isSorted();
        }
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-2", "web-1-2", "web-2-2");
        assertThat(time.elapsed()).as("no connections under way: no drain waits").isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aServerThatNeverServesNeverJoinsThePool() throws Exception {
        apply(web(1, "v1", "10s"));
        // The replacement of web[0] is pinned to an address nobody answers on: web-0-9 would be its name after 8 more.
        for (int generation = 2; generation <= 8; generation++) {
            apply(web(1, "v" + generation, "10s"));
        }
        assertThat(lb().members()).extracting(PoolMember::name).containsExactly("web-0-8");

        ApplyResult result = apply(web(1, "v9", "10s"));

        assertThat(result.ok()).isFalse();
        assertThat(cloud.log()).doesNotContain(logged(Operation.LB_ADD_MEMBER, "web-0-9"));
        assertThat(lb().members()).extracting(PoolMember::name, PoolMember::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web-0-8", PoolMember.State.READY));
    }

    @Test
    void aDrainWaitsForConnectionsUnderWayButNoLongerThanTheClustersDrainTime() throws Exception {
        apply(web(2, "v1", "7s"));
        cloud.loadBalancers().connections("shop", "web", "web-1-1", 3); // never finish

        assertThat(apply(web(1, "v1", "7s")).ok()).isTrue();

        assertThat(time.elapsed()).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(8));
        assertThat(events).filteredOn(e -> e instanceof Event.Note).extracting(Object::toString)
                .anySatisfy(s -> assertThat(s).contains("web-1-1 still had connections after 7 s of draining"));
        assertThat(lb().members()).extracting(PoolMember::name).containsExactly("web-0-1");
        assertThat(serverNames()).containsExactly("web-0-1");
    }

    @Test
    void aDrainOnALoadBalancerThatCountsNoConnectionsLastsTheWholeDrainTime() throws Exception {
        cloud.loadBalancers().countConnections(false); // as Octavia: counts per listener only
        apply(web(2, "v1", "7s"));

        assertThat(apply(web(1, "v1", "7s")).ok()).isTrue();

        assertThat(time.elapsed()).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(8));
        assertThat(events).filteredOn(e -> e instanceof Event.Note).extracting(Object::toString)
                .noneSatisfy(s -> assertThat(s).contains("still had connections"));
        assertThat(lb().members()).extracting(PoolMember::name).containsExactly("web-0-1");
        assertThat(serverNames()).containsExactly("web-0-1");
    }

    @Test
    void aScaleDownDrainsAndRemovesBeforeDestroyingAndAScaleUpJoinsTheNewServers() throws Exception {
        apply(web(3, "v1", "10s"));

        apply(web(1, "v1", "10s"));
        List<Logged> log = cloud.log();
        for (String gone : List.of("web-1-1", "web-2-1")) {
            assertThat(List.of(log.indexOf(logged(Operation.LB_DRAIN_MEMBER, gone)), log.indexOf(logged(Operation.LB_REMOVE_MEMBER, gone)),
                    log.indexOf(logged(Operation.DESTROY, gone)))).doesNotContain(-1).isSorted();
        }
        assertThat(lb().members()).extracting(PoolMember::name).containsExactly("web-0-1");

        apply(web(3, "v1", "10s"));
        assertThat(lb().members()).extracting(PoolMember::name).hasSize(3).allSatisfy(n -> assertThat(serverNames()).contains(n));
    }

    @Test
    void aDeadServerIsTakenOutAtOnceWithoutADrain() throws Exception {
        apply(web(3, "v1", "10s"));
        cloud.setStatus("web-1-1", Instance.Status.STOPPED);

        assertThat(apply(web(3, "v1", "10s")).ok()).isTrue();

        assertThat(cloud.log()).contains(logged(Operation.LB_REMOVE_MEMBER, "web-1-1")).doesNotContain(logged(Operation.LB_DRAIN_MEMBER, "web-1-1"));
        assertThat(lb().members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-1-2", "web-2-1");
    }

    @Test
    void aRunThatFailsBetweenDrainAndRemoveOrBetweenHealthAndJoinIsFinishedByTheNextRun() throws Exception {
        apply(web(3, "v1", "10s"));
        cloud.inject(Fault.on(Operation.LB_REMOVE_MEMBER).target("web-1-1").always());
        cloud.inject(Fault.on(Operation.LB_ADD_MEMBER).target("web-2-2").always());

        assertThat(apply(web(3, "v2", "10s")).ok()).isFalse();
        cloud.clearFaults();
        ApplyResult next = apply(web(3, "v2", "10s"));

        assertThat(next.failures()).isEmpty();
        assertThat(lb().members()).extracting(PoolMember::name, PoolMember::state).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web-0-2", PoolMember.State.READY),
                org.assertj.core.groups.Tuple.tuple("web-1-2", PoolMember.State.READY),
                org.assertj.core.groups.Tuple.tuple("web-2-2", PoolMember.State.READY));
        assertThat(serverNames()).containsExactly("web-0-2", "web-1-2", "web-2-2");
        assertThat(recordedNames()).containsExactly("web-0-2", "web-1-2", "web-2-2");
    }

    @Test
    void destroyDeletesTheLoadBalancerAndRemovingTheBlockDeletesItToo() throws Exception {
        apply(web(2, "v1", "10s"));
        try (Engine engine = engine(load(web(2, "v1", "10s")))) {
            assertThat(engine.apply(engine.plan(Planner.Options.DESTROY)).ok()).isTrue();
        }
        assertThat(cloud.loadBalancers().count()).isZero();

        apply(web(2, "v1", "10s"));
        assertThat(cloud.loadBalancers().count()).isOne();
        apply(web(3, "v1", "10s").replace("    loadBalancer: {port: 80, drain: 10s}\n", ""));
        assertThat(cloud.loadBalancers().count()).isZero();
    }

    @Test
    void thePlanShowsTheLoadBalancerCreatedAndEachNewServerJoining() throws Exception {
        assertThat(plan(web(2, "v1", "10s")).loadBalancers()).containsExactly(
                new LoadBalancerChange(Kind.CREATE, "web", "default", null, null),
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[0]", null),
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[1]", null));
    }

    @Test
    void thePlanOfARollShowsEachNewServerJoiningAndEachOldOneDrainedAndOfADeadServerItsRemovalAtOnce() throws Exception {
        apply(web(2, "v1", "10s"));
        assertThat(plan(web(2, "v1", "10s")).loadBalancers()).as("nothing to do").isEmpty();

        assertThat(plan(web(2, "v2", "10s")).loadBalancers()).containsExactly(
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[0]", null),
                new LoadBalancerChange(Kind.DRAIN, "web", "default", "web[0]", "web-0-1"),
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[1]", null),
                new LoadBalancerChange(Kind.DRAIN, "web", "default", "web[1]", "web-1-1"));

        cloud.setStatus("web-1-1", Instance.Status.STOPPED);
        assertThat(plan(web(2, "v1", "10s")).loadBalancers()).containsExactly(
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[1]", null),
                new LoadBalancerChange(Kind.REMOVE, "web", "default", "web[1]", "web-1-1"));
    }

    @Test
    void aServerMissingFromThePoolOrLeftDrainingIsShownAndMendedByAnApplyWithNoServerChange() throws Exception {
        apply(web(3, "v1", "10s"));
        cloud.open("shop").loadBalancers().orElseThrow().removeMember("web", "web-0-1"); // as a run killed between health and join
        cloud.open("shop").loadBalancers().orElseThrow().drainMember("web", "web-2-1"); // as a run killed mid drain

        var plan = plan(web(3, "v1", "10s"));
        assertThat(plan.loadBalancers()).containsExactly(
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[0]", "web-0-1"),
                new LoadBalancerChange(Kind.JOIN, "web", "default", "web[2]", "web-2-1"));
        assertThat(plan.hasChanges()).isTrue();
        assertThat(apply(web(3, "v1", "10s")).ok()).isTrue();

        assertThat(lb().members()).extracting(PoolMember::name, PoolMember::state).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web-0-1", PoolMember.State.READY),
                org.assertj.core.groups.Tuple.tuple("web-1-1", PoolMember.State.READY),
                org.assertj.core.groups.Tuple.tuple("web-2-1", PoolMember.State.READY));
        assertThat(serverNames()).containsExactly("web-0-1", "web-1-1", "web-2-1");
        assertThat(plan(web(3, "v1", "10s")).hasChanges()).isFalse();
    }

    @Test
    void thePlanOfADestroyOrOfARemovedBlockShowsTheLoadBalancerDeleted() throws Exception {
        apply(web(2, "v1", "10s"));
        try (Engine engine = engine(load(web(2, "v1", "10s")))) {
            assertThat(engine.plan(Planner.Options.DESTROY).loadBalancers()).containsExactly(
                    new LoadBalancerChange(Kind.DELETE, "web", "default", null, null));
        }
        assertThat(plan(web(2, "v1", "10s").replace("    loadBalancer: {port: 80, drain: 10s}\n", "")).loadBalancers())
                .containsExactly(new LoadBalancerChange(Kind.DELETE, "web", "default", null, null));
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

    private io.drover.plan.Plan plan(String yaml) throws Exception {
        try (Engine engine = engine(load(yaml))) {
            return engine.plan(Planner.Options.APPLY);
        }
    }

    private ApplyResult apply(String yaml) throws Exception {
        try (Engine engine = engine(load(yaml))) {
            return engine.apply(engine.plan(Planner.Options.APPLY));
        }
    }

    private List<String> serverNames() {
        return cloud.servers().stream().map(MemoryCloud.MemoryServer::name).sorted().toList();
    }

    private List<String> recordedNames() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow().servers().stream().map(ServerRecord::name).sorted().toList();
    }
}
