package io.drover.plan;

import static io.drover.plan.PlannerTest.herd;
import static io.drover.plan.PlannerTest.instance;
import static io.drover.plan.PlannerTest.templates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.drover.config.Cluster;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.health.Health;
import io.drover.render.FirstBoot;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the run after a crash makes of the servers the killed run left "not yet healthy" (tainted): within their start
 * timeout (60 s here) they are still starting and are waited for, never destroyed while a quorum may need them; after
 * it, they are replaced (or, for a cluster that never formed, started afresh) as before.
 */
class StartingServersPlanTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:01:00Z");
    private static final Duration START_TIMEOUT = HealthCheck.defaultFor(Role.ETCD).startTimeout();
    private static final Image IMAGE = new Image("host", "host", "sha256:image1");

    private final Planner planner = new Planner(NOW);
    private final Cluster etcd = etcd(3);

    private static Cluster etcd(int size) {
        return new Cluster("etcd", size, Role.ETCD, "host", 1, List.of(), EtcdOptions.DEFAULT, HealthCheck.defaultFor(Role.ETCD),
                FirstBoot.EMPTY, Map.of(), false, SourcePosition.unknown(Path.of("drover.yaml")));
    }

    private static ServerRecord member(int slot, int generation, boolean tainted, Instant created) {
        String name = "etcd-" + slot + "-" + generation;
        return new ServerRecord(ServerRecord.resource("etcd", slot), "etcd", slot, generation, name, "id-" + name, "127.0.0." + (10 + slot),
                "sha256:a", IMAGE.digest(), created, tainted, Map.of());
    }

    /** What a refresh found: every server running, these healthy, and the member list (null: no member answered). */
    private static Reality reality(List<ServerRecord> servers, Set<String> healthy, Membership membership) {
        List<Instance> instances = new ArrayList<>();
        Map<String, Health> health = new HashMap<>();
        for (ServerRecord r : servers) {
            Instance i = instance(r, Instance.Status.RUNNING);
            instances.add(i);
            health.put(i.id(), healthy.contains(r.name()) ? Health.up() : new Health(Health.Status.TIMEOUT, "no answer in 500 ms"));
        }
        return new Reality(instances, health, membership == null ? Map.of() : Map.of("etcd", membership));
    }

    private static Membership voters(ServerRecord... members) {
        return new Membership(java.util.Arrays.stream(members).map(r -> new Membership.Member(r.name(), List.of(r.ip()), true)).toList());
    }

    private static State state(List<ServerRecord> servers) {
        State s = State.empty("h");
        for (ServerRecord r : servers) {
            s = s.with(r);
        }
        return s;
    }

    private Plan plan(List<ServerRecord> servers, Reality reality, Planner.Options options) {
        return planner.plan(herd(etcd), templates("sha256:a", etcd), state(servers), reality, options);
    }

    // ---- a first bootstrap killed while its members were starting ----------------------------------------------

    @Test
    void membersOfAKilledFirstBootstrapThatDoNotAnswerYetAreWaitedForNotDestroyed() {
        Instant created = NOW.minusSeconds(5);
        List<ServerRecord> servers = List.of(member(0, 1, true, created), member(1, 1, true, created), member(2, 1, true, created));

        Plan plan = plan(servers, reality(servers, Set.of(), null), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action, c -> c.before().name(), Change::reason).containsExactly(
                tuple(Action.AWAIT, "etcd-0-1", Reason.STARTING), tuple(Action.AWAIT, "etcd-1-1", Reason.STARTING),
                tuple(Action.AWAIT, "etcd-2-1", Reason.STARTING));
        assertThat(plan.hasChanges()).as("waiting is work for the apply").isTrue();
    }

    @Test
    void slowMembersThatAnsweredTheMemberListAreWaitedForNotReplacedOldOneFirst() {
        Instant created = NOW.minusSeconds(5);
        List<ServerRecord> servers = List.of(member(0, 1, true, created), member(1, 1, true, created), member(2, 1, true, created));

        Plan plan = plan(servers, reality(servers, Set.of(), voters(servers.toArray(ServerRecord[]::new))), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action).containsOnly(Action.AWAIT).hasSize(3);
    }

    @Test
    void aKilledFirstBootstrapPastItsStartTimeoutIsStartedAfreshAsBefore() {
        Instant created = NOW.minus(START_TIMEOUT).minusSeconds(1);
        List<ServerRecord> servers = List.of(member(0, 1, true, created), member(1, 1, true, created), member(2, 1, true, created));

        Plan plan = plan(servers, reality(servers, Set.of(), null), Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.DELETE).extracting(Change::reason).containsOnly(Reason.NEVER_FORMED)
                .hasSize(3);
        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.CREATE).hasSize(3);
    }

    @Test
    void aBootstrapKilledAfterItsFirstMemberIsStartedAfreshAtOnceForOneMemberCanNeverElectALeader() {
        List<ServerRecord> servers = List.of(member(0, 1, true, NOW.minusSeconds(2)));

        Plan plan = plan(servers, reality(servers, Set.of(), null), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action, Change::reason).containsExactly(
                tuple(Action.DELETE, Reason.NEVER_FORMED), tuple(Action.CREATE, Reason.NEW), tuple(Action.CREATE, Reason.NEW),
                tuple(Action.CREATE, Reason.NEW));
    }

    @Test
    void aBootstrapKilledAfterTwoOfThreeMembersWaitsForThemAndCreatesTheThird() {
        Instant created = NOW.minusSeconds(3);
        List<ServerRecord> servers = List.of(member(0, 1, true, created), member(1, 1, true, created));

        Plan plan = plan(servers, reality(servers, Set.of(), null), Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action, Change::resource).containsExactly(
                tuple(Action.AWAIT, "etcd[0]"), tuple(Action.AWAIT, "etcd[1]"), tuple(Action.CREATE, "etcd[2]"));
    }

    @Test
    void aStartingMemberWhoseConfigChangedSinceIsWaitedForThenReplacedCreateFirst() {
        Instant created = NOW.minusSeconds(5);
        List<ServerRecord> servers = List.of(member(0, 1, true, created), member(1, 1, true, created), member(2, 1, true, created));

        Plan plan = planner.plan(herd(etcd), templates("sha256:b", etcd), state(servers), reality(servers, Set.of(), null),
                Planner.Options.APPLY);

        assertThat(plan.changesOf("etcd")).filteredOn(c -> c.slot() == 0).extracting(Change::action, Change::stage, Change::createFirst)
                .containsExactly(tuple(Action.AWAIT, Change.Stage.CLEANUP, false), tuple(Action.REPLACE, Change.Stage.ROLL, true));
    }

    // ---- heal killed while its replacement was starting, then another member dies -------------------------------

    @Test
    void aReplacementHealWasWaitingForIsAdoptedOnceHealthyAndTheNextDeadMemberReplaced() {
        ServerRecord survivor = member(0, 2, false, NOW.minusSeconds(600));
        ServerRecord dead = member(1, 1, false, NOW.minusSeconds(600));
        ServerRecord waitedFor = member(2, 2, true, NOW.minusSeconds(4));
        List<ServerRecord> servers = List.of(survivor, dead, waitedFor);
        Reality reality = reality(servers, Set.of(survivor.name(), waitedFor.name()), voters(survivor, dead, waitedFor));
        List<Instance> instances = new ArrayList<>(reality.instances());
        instances.set(1, instance(dead, Instance.Status.STOPPED));
        reality = new Reality(instances, reality.health(), reality.membership());

        Plan plan = plan(servers, reality, Planner.Options.heal(Set.of(dead.name())));

        assertThat(plan.changes()).extracting(Change::action, Change::resource, Change::reason).containsExactly(
                tuple(Action.NO_OP, "etcd[0]", Reason.UP_TO_DATE), tuple(Action.REPLACE, "etcd[1]", Reason.NOT_RUNNING),
                tuple(Action.ADOPT, "etcd[2]", Reason.RECOVERED));
        assertThat(plan.prior().server(waitedFor.name()).orElseThrow().tainted()).as("it counts as a member from now on").isFalse();
    }

    @Test
    void aReplacementThatDoesNotAnswerYetIsWaitedForEvenWhenHealCountsItsChecksAsFailed() {
        ServerRecord a = member(0, 2, false, NOW.minusSeconds(600));
        ServerRecord b = member(1, 1, false, NOW.minusSeconds(600));
        ServerRecord waitedFor = member(2, 2, true, NOW.minusSeconds(4));
        List<ServerRecord> servers = List.of(a, b, waitedFor);

        Plan plan = plan(servers, reality(servers, Set.of(a.name(), b.name()), voters(a, b, waitedFor)),
                Planner.Options.heal(Set.of(waitedFor.name())));

        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).extracting(Change::action, c -> c.before().name())
                .containsExactly(tuple(Action.AWAIT, "etcd-2-2"));
    }

    @Test
    void aLearnerAKilledRunLeftBehindIsReplacedNotWaitedForItsClusterDoesNotCountIt() {
        ServerRecord a = member(0, 1, false, NOW.minusSeconds(600));
        ServerRecord b = member(1, 1, false, NOW.minusSeconds(600));
        ServerRecord learner = member(2, 2, true, NOW.minusSeconds(4));
        List<ServerRecord> servers = List.of(a, b, learner);
        Membership membership = new Membership(List.of(new Membership.Member(a.name(), List.of(a.ip()), true),
                new Membership.Member(b.name(), List.of(b.ip()), true), new Membership.Member(learner.name(), List.of(learner.ip()), false)));

        Plan plan = plan(servers, reality(servers, Set.of(a.name(), b.name()), membership), Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).extracting(Change::action, Change::reason)
                .containsExactly(tuple(Action.REPLACE, Reason.TAINTED));
    }
}
