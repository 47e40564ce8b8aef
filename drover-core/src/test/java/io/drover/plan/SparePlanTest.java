package io.drover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Cluster;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.health.Health;
import io.drover.plan.Change.Stage;
import io.drover.render.FirstBoot;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner with a cluster's spares: made after the members, promoted into a failed member's slot, out of the way of a joining etcd member. */
class SparePlanTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final Planner planner = new Planner(NOW);

    private static Cluster etcd(int spares) {
        return new Cluster("etcd", 3, Role.ETCD, "host", 1, List.of(), EtcdOptions.DEFAULT, HealthCheck.defaultFor(Role.ETCD),
                FirstBoot.EMPTY, Map.of(), false, SourcePosition.unknown(Path.of("drover.yaml"))).withSpares(spares);
    }

    private static Cluster web(int spares) {
        return PlannerTest.cluster("web", 3).withSpares(spares);
    }

    /** Three members and a spare learner, all running, as the cluster reports them. */
    private record Herd3(State state, List<Instance> instances, List<ServerRecord> records) {
        Reality reality(Map<String, Membership.Standing> standings, Set<String> gone) {
            List<Instance> live = instances.stream().filter(i -> !gone.contains(i.name())).toList();
            List<Membership.Member> members = new ArrayList<>();
            for (ServerRecord r : records) {
                Membership.Standing s = standings.getOrDefault(r.name(), r.spare() ? Membership.Standing.LEARNER : Membership.Standing.VOTER);
                if (s != Membership.Standing.STRANGER) {
                    members.add(new Membership.Member(r.name(), List.of(r.ip()), s == Membership.Standing.VOTER));
                }
            }
            return new Reality(live, Map.<String, Health>of(), Map.of("etcd", new Membership(members)));
        }
    }

    private static Herd3 running(String cluster, String digest) {
        State state = State.empty("h");
        List<Instance> instances = new ArrayList<>();
        List<ServerRecord> records = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            ServerRecord r = PlannerTest.record(cluster, slot, 1, digest).asSpare(slot == 3);
            state = state.with(r);
            records.add(r);
            instances.add(PlannerTest.instance(r, Instance.Status.RUNNING));
        }
        return new Herd3(state, instances, records);
    }

    @Test
    void aNewClusterGetsItsSpareAfterItsMembers() {
        Cluster etcd = etcd(1);
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), State.empty("h"), List.of(),
                Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::resource).containsExactly("etcd[0]", "etcd[1]", "etcd[2]", "etcd[3]");
        assertThat(plan.changes()).extracting(Change::action).containsOnly(Action.CREATE);
        assertThat(plan.changes()).extracting(Change::stage).containsExactly(Stage.ROLL, Stage.ROLL, Stage.ROLL, Stage.SPARE);
    }

    @Test
    void aSpareLearnerIsKeptAsItIs() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), h.state(), h.reality(Map.of(), Set.of()),
                Planner.Options.APPLY);

        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.unsound()).isEmpty();
    }

    @Test
    void aDeadMemberIsReplacedByThePromotedSpareAndANewSpareIsMadeAfter() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), h.state(),
                h.reality(Map.of(), Set.of("etcd-1-1")), Planner.Options.heal(Set.of()));

        Change promote = plan.changes().stream().filter(c -> c.action() == Action.PROMOTE).findFirst().orElseThrow();
        assertThat(promote.resource()).isEqualTo("etcd[1]");
        assertThat(promote.before().name()).isEqualTo("etcd-1-1");
        assertThat(promote.spare().name()).isEqualTo("etcd-3-1");
        assertThat(promote.leaveCluster()).isTrue();
        Change spare = plan.changes().stream().filter(c -> c.resource().equals("etcd[3]")).findFirst().orElseThrow();
        assertThat(spare.action()).isEqualTo(Action.CREATE);
        assertThat(spare.stage()).isEqualTo(Stage.SPARE);
        assertThat(spare.reason()).isEqualTo(Reason.SPARE_PROMOTED);
    }

    @Test
    void anUnhealthyMemberOfAPlainClusterIsReplacedByItsSpare() {
        Cluster web = web(1);
        Herd3 h = running("web", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(web), PlannerTest.templates("sha256:a", web), h.state(), Reality.of(h.instances()),
                Planner.Options.heal(Set.of("web-0-1")));

        assertThat(plan.changes()).extracting(Change::action).containsExactly(Action.PROMOTE, Action.NO_OP, Action.NO_OP, Action.CREATE);
        assertThat(plan.changes().get(0).spare().name()).isEqualTo("web-3-1");
    }

    @Test
    void aPromotionCutOffBeforeItWasRecordedIsFinished() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        // The failed member was removed and destroyed, the spare promoted, and the run died before the state said so.
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), h.state(),
                h.reality(Map.of("etcd-1-1", Membership.Standing.STRANGER, "etcd-3-1", Membership.Standing.VOTER), Set.of("etcd-1-1")),
                Planner.Options.heal(Set.of()));

        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.PROMOTE).singleElement()
                .satisfies(c -> assertThat(c.spare().name()).isEqualTo("etcd-3-1"))
                .satisfies(c -> assertThat(c.resource()).isEqualTo("etcd[1]"));
        assertThat(plan.changes()).filteredOn(c -> c.resource().equals("etcd[3]")).extracting(Change::action).containsExactly(Action.CREATE);
    }

    @Test
    void anEtcdSpareStepsAsideWhileANewMemberJoinsAsTheOneLearner() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        // A member slot nobody ever filled (here: not recorded, not running) gets a new member, which joins as a learner,
        // which etcd 3.4 allows only one of.
        State state = h.state().without("etcd-2-1");
        List<Instance> instances = h.instances().stream().filter(i -> !i.name().equals("etcd-2-1")).toList();
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), state,
                new Reality(instances, Map.of(), h.reality(Map.of("etcd-2-1", Membership.Standing.STRANGER), Set.of()).membership()),
                Planner.Options.APPLY);

        List<Change> spareSlot = plan.changes().stream().filter(c -> c.resource().equals("etcd[3]")).toList();
        assertThat(spareSlot).extracting(Change::action).containsExactly(Action.DELETE, Action.CREATE);
        assertThat(spareSlot).extracting(Change::stage).containsExactly(Stage.CLEANUP, Stage.SPARE);
        assertThat(spareSlot.get(0).leaveCluster()).isTrue();
    }

    @Test
    void anEtcdRollGoesThroughTheSpareOfTheNewDigestMemberByMember() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:b", etcd), h.state(), h.reality(Map.of(), Set.of()),
                Planner.Options.APPLY);

        // The old spare goes first (it leaves: the one learner's place is free), then each member makes way for a spare of
        // the new digest, made just before.
        assertThat(plan.changes()).extracting(Change::resource, Change::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.REPLACE),
                org.assertj.core.groups.Tuple.tuple("etcd[0]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("etcd[1]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("etcd[2]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE));
        assertThat(plan.changes()).extracting(Change::stage).containsOnly(Stage.ROLL);
        assertThat(plan.changes()).extracting(Change::desiredDigest).containsOnly("sha256:b");
        Change oldSpare = plan.changes().get(0);
        assertThat(oldSpare.createFirst()).as("two learners at once are refused").isFalse();
        assertThat(oldSpare.leaveCluster()).isTrue();
        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.PROMOTE)
                .allSatisfy(c -> assertThat(c.spare()).as("made by the change before").isNull())
                .allSatisfy(c -> assertThat(c.leaveCluster()).isTrue())
                .allSatisfy(c -> assertThat(c.reason()).isEqualTo(Reason.CONFIG_CHANGED));
    }

    @Test
    void aRollPromotesASpareOfTheNewDigestThatIsAlreadyThereFirst() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        // A run killed after it made the new spare: it is used, not made again.
        ServerRecord newSpare = PlannerTest.record("etcd", 3, 2, "sha256:b").asSpare(true);
        Plan plan = rollWithNewSpare(etcd, h, newSpare, false);

        assertThat(plan.changes()).extracting(Change::resource, Change::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("etcd[0]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("etcd[1]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("etcd[2]", Action.PROMOTE),
                org.assertj.core.groups.Tuple.tuple("etcd[3]", Action.CREATE));
        assertThat(plan.changes().get(0).spare().name()).isEqualTo(newSpare.name());
    }

    @Test
    void aRollWhosePromotionWasCutOffBeforeItWasRecordedFinishesIt() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        ServerRecord newSpare = PlannerTest.record("etcd", 3, 2, "sha256:b").asSpare(true);
        Plan plan = rollWithNewSpare(etcd, h, newSpare, true); // the spare votes already

        assertThat(plan.changes()).extracting(Change::action).containsExactly(Action.PROMOTE, Action.CREATE, Action.PROMOTE, Action.CREATE,
                Action.PROMOTE, Action.CREATE);
        assertThat(plan.changes().get(0).spare().name()).as("the voting spare finishes its promotion").isEqualTo(newSpare.name());
        assertThat(plan.changes().get(0).before().name()).isEqualTo("etcd-0-1");
    }

    /** The plan of a roll to sha256:b whose spare slot holds {@code newSpare} (of sha256:b), as a learner or a voter. */
    private Plan rollWithNewSpare(Cluster etcd, Herd3 h, ServerRecord newSpare, boolean spareVotes) {
        State state = h.state().without("etcd-3-1").with(newSpare);
        List<Instance> instances = new ArrayList<>(h.instances().stream().filter(i -> !i.name().equals("etcd-3-1")).toList());
        instances.add(PlannerTest.instance(newSpare, Instance.Status.RUNNING));
        List<Membership.Member> members = new ArrayList<>();
        for (ServerRecord r : state.servers()) {
            members.add(new Membership.Member(r.name(), List.of(r.ip()), spareVotes || !r.spare()));
        }
        return planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:b", etcd), state,
                new Reality(instances, Map.of(), Map.of("etcd", new Membership(members))), Planner.Options.APPLY);
    }

    @Test
    void aRollOfAPlainClusterGoesThroughItsSpareToo() {
        Cluster web = web(1);
        Herd3 h = running("web", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(web), PlannerTest.templates("sha256:b", web), h.state(), Reality.of(h.instances()),
                Planner.Options.APPLY);

        assertThat(plan.changes()).extracting(Change::action).containsExactly(Action.REPLACE, Action.PROMOTE, Action.CREATE, Action.PROMOTE,
                Action.CREATE, Action.PROMOTE, Action.CREATE);
        assertThat(plan.changes().get(0).createFirst()).as("a plain spare serves nobody: the new one may come first").isTrue();
    }

    @Test
    void aSpareTheClusterCountsAsAVoterWithNoFailedMemberIsReplaced() {
        Cluster etcd = etcd(1);
        Herd3 h = running("etcd", "sha256:a");
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), h.state(),
                h.reality(Map.of("etcd-3-1", Membership.Standing.VOTER), Set.of()), Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo(Reason.SPARE_IS_VOTING))
                .satisfies(c -> assertThat(c.leaveCluster()).isTrue());
    }

    @Test
    void removingTheSpareFromTheFileDestroysIt() {
        Herd3 h = running("etcd", "sha256:a");
        Cluster etcd = etcd(0);
        Plan plan = planner.plan(PlannerTest.herd(etcd), PlannerTest.templates("sha256:a", etcd), h.state(), h.reality(Map.of(), Set.of()),
                Planner.Options.APPLY);

        assertThat(plan.changes()).filteredOn(c -> !c.isNoOp()).singleElement()
                .satisfies(c -> assertThat(c.action()).isEqualTo(Action.DELETE))
                .satisfies(c -> assertThat(c.resource()).isEqualTo("etcd[3]"));
    }
}
