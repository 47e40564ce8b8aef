package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.provider.local.LocalServers;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.EtcdWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real 3-member etcd herd with {@code spares: 1} on the local provider, {@code drover heal} running as a process of
 * its own (bin/drover's JVM flags, its own backoff), a writer recording acknowledged writes: a member killed with -9,
 * a member frozen with SIGSTOP and the leader killed with -9 are each replaced by the spare learner, promoted, so that
 * the cluster has three healthy voting members again within about a second and a half of the fault (measured from
 * the fault, polling etcd itself); a new learner is caught up soon after; no acknowledged write is lost. The herd has
 * the "fast failover with a spare" settings of docs/heal.md (health every 100 ms, 300 ms timeout, 2 failures; etcd
 * election timeout 500 ms): what a frozen member and a dead leader take is mostly those timeouts. Heal killed
 * with -9 while it promotes the spare is finished by the next heal: never two learners, never a promoted spare left
 * out of the state. One trial each; 10 with {@code -Ddrover.test.thorough=true}; bounds stretched by
 * {@code -Ddrover.test.slowness}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparesEndToEndTest {
    private static final String ADDRESSES = "127.0.212.0/24";
    /** The goals: back to three healthy voters within 1.5 s of the fault (median), never over 3 s. */
    private static final Duration MEDIAN = Duration.ofMillis(1500);
    private static final Duration WORST = Duration.ofSeconds(3);

    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;
    private Process heal;
    private String healLog;
    private int healRuns;
    private HttpClient http;

    @BeforeAll
    void applyWithASpare() throws Exception {
        herd = new LocalEtcdHerd(dir, "spares", ADDRESSES);
        // Fast failover with a spare (docs/heal.md): a frozen member is seen after 2 checks of 300 ms, 100 ms apart, and
        // the survivors of a dead leader elect another after 0.5-1 s of silence instead of 1-2 s.
        Files.writeString(herd.file, Files.readString(herd.file)
                .replace("    role: etcd\n", "    role: etcd\n    spares: 1\n    health:\n      interval: 100ms\n      timeout: 300ms\n      failures: 2\n")
                .replace("election-timeout: 1000", "election-timeout: 500"));
        assertThat(Files.readString(herd.file)).contains("election-timeout: 500", "failures: 2");
        // Heal first: it idles until the apply, and is past its start-up patience (timeouts of servers not yet seen
        // healthy do not count for 10 s) and its JIT's first passes by the time of the first fault.
        startHeal();
        Cli.Result r = herd.drover("apply", "--auto-approve", "--lock-timeout", "60s");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(herd.servers()).as("show --json marks the spare").filteredOn(s -> s.path("spare").asBoolean(false))
                .extracting(s -> s.path("resource").asString()).containsExactly("etcd[3]");
        http = HttpClient.newBuilder().sslContext(herd.clientTls()).connectTimeout(Duration.ofMillis(300)).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @AfterAll
    void destroy() throws Exception {
        if (heal != null) {
            heal.destroyForcibly();
            heal.waitFor(10, TimeUnit.SECONDS);
        }
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    @Order(1)
    void aKilledMemberIsReplacedByTheSpareWithinASecondAndAHalf() throws Exception {
        trials("kill -9 of a member", false, this::kill);
    }

    @Test
    @Order(2)
    void aFrozenMemberIsReplacedByTheSpareWithinASecondAndAHalf() throws Exception {
        trials("SIGSTOP of a member", false, server -> signal(server, "STOP"));
    }

    @Test
    @Order(3)
    void aKilledLeaderIsReplacedByTheSpareWithinASecondAndAHalf() throws Exception {
        trials("kill -9 of the leader", true, this::kill);
    }

    @Test
    @Order(4)
    void healKilledWhilePromotingTheSpareIsFinishedByTheNextHeal() throws Exception {
        try (EtcdWriter writer = herd.writer().start("p/")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
            String victim = member(false).name();
            String spare = spare().name();
            int seen = herd.log(healLog).split("\n").length;
            kill(victim);
            await("heal starts promoting " + spare).atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(5))
                    .until(() -> herd.log(healLog).lines().skip(seen).anyMatch(l -> l.contains("promoting the spare " + spare)));
            heal.destroyForcibly();
            assertThat(heal.waitFor(10, TimeUnit.SECONDS)).isTrue();

            AtomicInteger mostLearners = new AtomicInteger();
            startHeal();
            await("whole again").atMost(LocalEtcdHerd.bound(Duration.ofSeconds(60))).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .untilAsserted(() -> {
                        mostLearners.accumulateAndGet((int) members().stream().filter(Member::learner).count(), Math::max);
                        assertWhole(writer, "heal killed while promoting " + spare);
                    });
            assertThat(mostLearners.get()).as("never two learners").isLessThanOrEqualTo(1);
            String killedLog = herd.log("heal-" + (healRuns - 2) + ".log");
            ServerRecord promoted = state().server(spare).orElseThrow(() -> new AssertionError(spare + " left out of the state; the killed heal said:\n"
                    + killedLog + "\nthe next heal said:\n" + uncheckedLog()));
            assertThat(promoted.spare()).as("the promoted spare is recorded as a member").isFalse();
            assertThat(state().server(victim)).as("the dead member's record is gone").isEmpty();
            LocalEtcdHerd.assertNoWriteLost(writer, "heal killed while promoting " + spare);
        }
    }

    // ---- trials -----------------------------------------------------------------------------------------------

    interface Fault {
        void on(String server) throws Exception;
    }

    private void trials(String what, boolean leader, Fault fault) throws Exception {
        int rounds = TestDepth.rounds(1, 10);
        List<Long> took = new ArrayList<>();
        try (EtcdWriter writer = herd.writer().start("w" + what.hashCode() + "/")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
            for (int round = 0; round < rounds; round++) {
                String victim = member(leader).name();
                String spare = spare().name();
                String context = what + " (" + victim + "), round " + round;
                long seen = herd.log(healLog).lines().count();
                java.time.Instant wall = java.time.Instant.now();
                long faulted = System.nanoTime();
                fault.on(victim);
                try {
                    await(context + ": three healthy voting members").atMost(LocalEtcdHerd.bound(Duration.ofSeconds(20)))
                            .pollInterval(Duration.ofMillis(10)).ignoreExceptions().until(() -> fullStrength(victim));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(context + ": not at full strength; heal said:\n" + herd.log(healLog), e);
                }
                long ms = (System.nanoTime() - faulted) / 1_000_000;
                took.add(ms);
                System.out.printf("%s: three healthy voting members %d ms after the fault%n", context, ms);
                // Where the time went, from heal's own timestamps (its lines since the fault).
                System.out.printf("  fault at [%s]; heal said:%n", wall.toString().substring(11, 23));
                herd.log(healLog).lines().skip(seen).limit(30).forEach(l -> System.out.println("    " + l));
                try {
                    await(context + ": whole, a new spare caught up").atMost(LocalEtcdHerd.bound(Duration.ofSeconds(60)))
                            .pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> assertWhole(writer, context));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(context + ": not whole again; heal said since the fault:\n"
                            + herd.log(healLog).lines().skip(seen).collect(java.util.stream.Collectors.joining("\n")), e);
                }
                LocalEtcdHerd.assertNoWriteLost(writer, context);
                assertThat(state().server(spare)).as(context + ": the promoted spare " + spare + " is kept, a member").hasValueSatisfying(
                        r -> assertThat(r.spare()).isFalse());
            }
        }
        List<Long> sorted = took.stream().sorted().toList();
        System.out.printf("%s: median %d ms, worst %d ms over %d trials%n", what, sorted.get(sorted.size() / 2), sorted.getLast(), sorted.size());
        // The goal is a median of ten trials; one trial (the CI default) is held to the worst bound only, since a
        // single trial on a shared machine is no median (seen 1.3 s and 2.7 s for one kill at load 10-16).
        if (took.size() >= 5) {
            assertThat(sorted.get(sorted.size() / 2)).as("%s: median ms of %s; heal said:%n%s", what, took, herd.log(healLog))
                    .isLessThanOrEqualTo(LocalEtcdHerd.bound(MEDIAN).toMillis());
        }
        assertThat(sorted.getLast()).as("%s: worst ms of %s", what, took).isLessThan(LocalEtcdHerd.bound(WORST).toMillis());
    }

    // ---- the cluster as etcd says ------------------------------------------------------------------------------

    record Member(String name, String clientUrl, boolean learner, boolean started) {}

    private List<Member> members() throws Exception {
        for (ServerRecord r : state().cluster("etcd")) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("https://" + r.ip() + ":2379/v3/cluster/member/list"))
                        .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode list = Json.MAPPER.readTree(answer.body()).path("members");
                if (answer.statusCode() != 200 || list.isMissingNode()) {
                    continue;
                }
                List<Member> members = new ArrayList<>();
                list.forEach(m -> members.add(new Member(m.path("name").asString(""), m.path("clientURLs").path(0).asString(""),
                        m.path("isLearner").asBoolean(false), !m.path("name").asString("").isEmpty())));
                return members;
            } catch (java.io.IOException e) {
                // this one is down: ask the next
            }
        }
        throw new AssertionError("no member answered a member list");
    }

    private boolean healthy(String clientUrl) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(clientUrl + "/health")).timeout(Duration.ofMillis(500)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 && answer.body().contains("\"true\"");
    }

    /** Three started voting members, none of them the victim, each healthy. */
    private boolean fullStrength(String victim) throws Exception {
        List<Member> voters = members().stream().filter(m -> m.started() && !m.learner()).toList();
        if (voters.size() != 3 || voters.stream().anyMatch(m -> m.name().equals(victim))) {
            return false;
        }
        for (Member m : voters) {
            if (!healthy(m.clientUrl())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The herd is whole with its spare: the state records three members and one spare, none tainted; etcd lists exactly
     * them, the spare as its one learner, caught up (it answers its health check); the writer reaches every voter; and
     * the next plan has nothing to do.
     */
    private void assertWhole(EtcdWriter writer, String context) throws Exception {
        List<ServerRecord> recorded = state().cluster("etcd");
        assertThat(recorded).as(context + ": recorded").hasSize(4).noneMatch(ServerRecord::tainted);
        assertThat(recorded).as(context + ": one spare").filteredOn(ServerRecord::spare).hasSize(1);
        List<Member> members = members();
        assertThat(members).as(context + ": member list").extracting(Member::name, Member::learner)
                .containsExactlyInAnyOrderElementsOf(recorded.stream().map(r -> org.assertj.core.groups.Tuple.tuple(r.name(), r.spare())).toList());
        for (Member m : members) {
            assertThat(healthy(m.clientUrl())).as(context + ": " + m.name() + " healthy").isTrue();
        }
        writer.learn(members.stream().filter(m -> !m.learner()).map(Member::clientUrl).toList());
        Cli.Result plan = herd.drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(context + ": the next plan is empty\n" + plan).isZero();
    }

    /** A voting member: the leader, or any other one. */
    private Member member(boolean leader) throws Exception {
        for (Member m : members()) {
            if (m.started() && !m.learner() && leader == isLeader(m.clientUrl())) {
                return m;
            }
        }
        throw new AssertionError("no " + (leader ? "leader" : "follower") + " among " + members());
    }

    private Member spare() throws Exception {
        return members().stream().filter(Member::learner).findFirst().orElseThrow();
    }

    private boolean isLeader(String clientUrl) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(clientUrl + "/v3/maintenance/status")).timeout(Duration.ofSeconds(1))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode status = Json.MAPPER.readTree(answer.body());
        return status.path("leader").asString("").equals(status.path("header").path("member_id").asString("-"));
    }

    private State state() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow();
    }

    // ---- faults -----------------------------------------------------------------------------------------------

    private void kill(String server) throws Exception {
        herd.kill(server);
    }

    /** A signal to a server's whole process group (its supervisor and etcd). */
    private void signal(String server, String name) throws Exception {
        OptionalLong pgid = LocalServers.processGroup(dir.resolve(".drover").resolve("local").resolve("servers").resolve(server));
        assertThat(pgid).as("process group of " + server).isPresent();
        Process p = new ProcessBuilder("kill", "-" + name, "--", "-" + pgid.getAsLong()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("kill -%s -- -%d: %s", name, pgid.getAsLong(), out).isZero();
    }

    private String uncheckedLog() {
        try {
            return herd.log(healLog);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void startHeal() {
        healLog = "heal-" + (healRuns++) + ".log";
        heal = herd.start(healLog, "heal");
        String log = healLog;
        await("heal starts").atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> herd.log(log).contains("healing herd"));
    }
}
