package io.drover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Cluster;
import io.drover.health.Health;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Herd;
import io.drover.config.ProviderBlock;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.render.FirstBoot;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final Path FILE = Path.of("drover.yaml");
    private static final Image IMAGE = new Image("host", "host", "sha256:image1");

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final Planner planner = new Planner(NOW);

    static Cluster cluster(String name, int size) {
        return new Cluster(name, size, Role.PLAIN, "host", 1, List.of(), EtcdOptions.DEFAULT, HealthCheck.defaultFor(Role.PLAIN),
                FirstBoot.EMPTY, Map.of(), false, SourcePosition.unknown(FILE));
    }

    static Herd herd(Cluster... clusters) {
        Map<String, Cluster> map = new LinkedHashMap<>();
        for (Cluster c : clusters) {
            map.put(c.name(), c);
        }
        return new Herd("h", FILE, new ProviderBlock("local", Map.of(), SourcePosition.unknown(FILE)), Map.of(), map, Map.of());
    }

    static Map<String, ClusterTemplate> templates(String digest, Cluster... clusters) {
        Map<String, ClusterTemplate> t = new LinkedHashMap<>();
        for (Cluster c : clusters) {
            t.put(c.name(), new ClusterTemplate(c, IMAGE, digest));
        }
        return t;
    }

    /** A state with one running server per slot of {@code cluster}, and the matching reality. */
    record World(State state, List<Instance> reality) {}

    static World running(String cluster, int size, String digest) {
        State state = State.empty("h");
        List<Instance> reality = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ServerRecord r = record(cluster, i, 1, digest);
            state = state.with(r);
            reality.add(instance(r, Instance.Status.RUNNING));
        }
        return new World(state, reality);
    }

    static ServerRecord record(String cluster, int slot, int generation, String digest) {
        String name = cluster + "-" + slot + "-" + generation;
        return new ServerRecord(ServerRecord.resource(cluster, slot), cluster, slot, generation, name, "id-" + name,
                "127.0.0." + (10 + slot), digest, IMAGE.digest(), Instant.EPOCH, false, Map.of());
    }

    static Instance instance(ServerRecord r, Instance.Status status) {
        return new Instance(r.instanceId(), r.name(), r.ip(), status, Map.of(Tags.HERD, "h", Tags.CLUSTER, r.cluster(),
                Tags.RESOURCE, r.resource(), Tags.DIGEST, r.digest(), Tags.IMAGE_DIGEST, r.imageDigest()), Instant.EPOCH);
    }

    @Test
    void newHerdCreatesEverySlot() {
        Cluster etcd = cluster("etcd", 3);
        Plan plan = planner.plan(herd(etcd), templates("sha256:a", etcd), State.empty("h"), List.of(), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action).containsExactly(Action.CREATE, Action.CREATE, Action.CREATE);
        assertThat(plan.changes()).extracting(Change::resource).containsExactly("etcd[0]", "etcd[1]", "etcd[2]");
        assertThat(plan.hasChanges()).isTrue();
    }

    @Test
    void upToDateHerdHasNoChanges() {
        Cluster etcd = cluster("etcd", 3);
        World w = running("etcd", 3, "sha256:a");
        Plan plan = planner.plan(herd(etcd), templates("sha256:a", etcd), w.state(), w.reality(), Planner.Options.APPLY);

        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.changes()).allMatch(Change::isNoOp);
    }

    @Test
    void changedDigestReplacesEveryServerAndSaysWhy() {
        Cluster etcd = cluster("etcd", 3);
        World w = running("etcd", 3, "sha256:a");
        Plan plan = planner.plan(herd(etcd), templates("sha256:b", etcd), w.state(), w.reality(), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action).containsOnly(Action.REPLACE).hasSize(3);
        assertThat(plan.changes()).extracting(Change::reason).containsOnly(Reason.CONFIG_CHANGED);
        assertThat(plan.changes()).allMatch(Change::createFirst);
    }

    @Test
    void serverWhoseProcessesDiedIsReplacedOldOneFirst() {
        Cluster etcd = cluster("etcd", 3);
        World w = running("etcd", 3, "sha256:a");
        List<Instance> reality = new ArrayList<>(w.reality());
        reality.set(1, instance(w.state().servers().get(1), Instance.Status.STOPPED));
        Plan plan = planner.plan(herd(etcd), templates("sha256:a", etcd), w.state(), reality, Planner.Options.APPLY);

        Change change = plan.changes().get(1);
        assertThat(change.action()).isEqualTo(Action.REPLACE);
        assertThat(change.reason()).isEqualTo(Reason.NOT_RUNNING);
        assertThat(change.createFirst()).isFalse();
        assertThat(plan.changes()).filteredOn(c -> c.action() != Action.NO_OP).hasSize(1);
    }

    @Test
    void serverRunningHealthyButMissingFromStateIsAdoptedNotDuplicated() {
        Cluster etcd = cluster("etcd", 1);
        ServerRecord lost = record("etcd", 0, 1, "sha256:a");
        Instance running = instance(lost, Instance.Status.RUNNING);
        Plan plan = planner.plan(herd(etcd), templates("sha256:a", etcd), State.empty("h"),
                new Reality(List.of(running), Map.of(running.id(), Health.up()), Map.of()), Planner.Options.APPLY);

        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.ADOPT);
            assertThat(c.before().name()).isEqualTo("etcd-0-1");
        });
        assertThat(plan.prior().servers()).extracting(ServerRecord::name).containsExactly("etcd-0-1");
    }

    @Test
    void crashMidReplacementKeepsTheNewServerAndDeletesTheOld() {
        Cluster etcd = cluster("etcd", 1);
        ServerRecord old = record("etcd", 0, 1, "sha256:a");
        ServerRecord fresh = record("etcd", 0, 2, "sha256:b");
        State state = State.empty("h").with(old);
        Instance freshRunning = instance(fresh, Instance.Status.RUNNING);
        Plan plan = planner.plan(herd(etcd), templates("sha256:b", etcd), state,
                new Reality(List.of(instance(old, Instance.Status.RUNNING), freshRunning), Map.of(freshRunning.id(), Health.up()), Map.of()),
                Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action, c -> c.before().name())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Action.DELETE, "etcd-0-1"),
                        org.assertj.core.groups.Tuple.tuple(Action.ADOPT, "etcd-0-2"));
    }

    @Test
    void deadServerMissingFromStateIsCleanedUpNotIgnored() {
        Cluster web = cluster("web", 1);
        World w = running("web", 1, "sha256:a");
        ServerRecord ghost = record("web", 0, 7, "sha256:a");
        List<Instance> reality = new ArrayList<>(w.reality());
        reality.add(instance(ghost, Instance.Status.ERROR));
        Plan plan = planner.plan(herd(web), templates("sha256:a", web), w.state(), reality, Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action, c -> c.before().name())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Action.DELETE, "web-0-7"),
                        org.assertj.core.groups.Tuple.tuple(Action.NO_OP, "web-0-1"));
        assertThat(plan.prior().servers()).extracting(ServerRecord::name).containsExactly("web-0-1");
    }

    @Test
    void shrinkingAClusterDeletesTheHighestSlots() {
        Cluster web = cluster("web", 1);
        World w = running("web", 3, "sha256:a");
        Plan plan = planner.plan(herd(web), templates("sha256:a", web), w.state(), w.reality(), Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.DELETE)
                .extracting(Change::resource).containsExactly("web[1]", "web[2]");
        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.DELETE).extracting(Change::reason).containsOnly(Reason.SCALE_DOWN);
    }

    @Test
    void clusterRemovedFromTheFileIsDestroyed() {
        Cluster web = cluster("web", 1);
        World w = running("old", 2, "sha256:a");
        Plan plan = planner.plan(herd(web), templates("sha256:a", web), w.state(), w.reality(), Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> c.cluster().equals("old")).extracting(Change::reason).containsOnly(Reason.CLUSTER_REMOVED);
        assertThat(plan.removedClusters()).containsExactly("old");
    }

    @Test
    void driftedServerIsReplaced() {
        Cluster web = cluster("web", 1);
        ServerRecord r = record("web", 0, 1, "sha256:a");
        Instance changedBehindOurBack = new Instance(r.instanceId(), r.name(), r.ip(), Instance.Status.RUNNING,
                Map.of(Tags.HERD, "h", Tags.RESOURCE, "web[0]", Tags.DIGEST, "sha256:a"), Instant.EPOCH, "/etc/motd changed");
        Plan plan = planner.plan(herd(web), templates("sha256:a", web), State.empty("h").with(r), List.of(changedBehindOurBack), Planner.Options.APPLY);

        assertThat(plan.changes()).singleElement().extracting(Change::reason).isEqualTo(Reason.DRIFT);
    }

    @Test
    void unhealthyServerIsReplacedWhenHealSaysSo() {
        Cluster web = cluster("web", 2);
        World w = running("web", 2, "sha256:a");
        Plan plan = planner.plan(herd(web), templates("sha256:a", web), w.state(), w.reality(), Planner.Options.heal(Set.of("web-1-1")));

        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.REPLACE).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo(Reason.UNHEALTHY));
    }

    @Test
    void destroyDeletesEverythingIncludingServersOnlyRealityKnows() {
        Cluster web = cluster("web", 2);
        World w = running("web", 2, "sha256:a");
        ServerRecord stray = record("web", 1, 7, "sha256:a");
        List<Instance> reality = new ArrayList<>(w.reality());
        reality.add(instance(stray, Instance.Status.RUNNING));
        Plan plan = planner.plan(herd(web), Map.of(), w.state(), reality, Planner.Options.DESTROY);

        assertThat(plan.changes()).extracting(Change::action).containsOnly(Action.DELETE).hasSize(3);
        assertThat(plan.destroy()).isTrue();
    }
}
