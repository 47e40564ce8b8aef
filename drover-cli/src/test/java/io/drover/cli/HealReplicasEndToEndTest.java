package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.state.Election;
import io.drover.state.LockInfo;
import io.drover.state.StateCodec;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.testkit.EtcdServer;
import io.drover.testkit.EtcdWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code drover heal} replicas as processes, the state in a real etcd, a real 3-member etcd herd with a writer
 * recording acknowledged writes: one replica leads; kill -9 of it, then of a member, and another leads within 5 s and
 * heals the herd to full strength with no acknowledged write lost; SIGTERM of the leader hands over within 1 s; a
 * leader stopped (SIGSTOP) in the middle of a replacement for over twice its lease, while another leads, finishes that
 * replacement and heals a fault of its own, does nothing more when it wakes (SIGCONT): every slot was replaced once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealReplicasEndToEndTest {
    private static final String ADDRESSES = "127.0.170.0/24";
    private static final String PREFIX = "/ha/replicas";

    @TempDir
    static Path dir;

    private EtcdServer stateEtcd;
    private LocalEtcdHerd herd;
    private StateStore store;
    private final List<Process> replicas = new ArrayList<>();

    @BeforeAll
    void applyWithTheStateInEtcd() throws Exception {
        stateEtcd = EtcdServer.start(dir.resolve("state-etcd"));
        herd = new LocalEtcdHerd(Files.createDirectories(dir.resolve("herd")), "ha", ADDRESSES);
        Files.writeString(herd.file, Files.readString(herd.file) + """
                state:
                  backend: etcd
                  endpoints: [%s]
                  prefix: %s
                """.formatted(stateEtcd.endpoint(), PREFIX));
        Cli.Result apply = herd.drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        StateSettings settings = StateSettings.defaults(SourcePosition.unknown(herd.file)).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(stateEtcd.endpoint()))).withPrefix(PREFIX);
        store = StateStores.open("ha", Files.createDirectories(dir.resolve("observer")), settings, new StateCodec());
        for (int i = 0; i < 3; i++) {
            replicas.add(herd.start("heal-" + i + ".log", "heal", "--json", "--lease", "3s"));
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (Process p : replicas) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try {
            herd.close();
        } finally {
            store.close();
            stateEtcd.close();
        }
    }

    private Optional<LockInfo> leader() throws Exception {
        return store.healRoster().leader();
    }

    /** The running replica that leads now. */
    private Process leading() throws Exception {
        long pid = leader().orElseThrow().pid();
        return replicas.stream().filter(p -> p.pid() == pid && p.isAlive()).findFirst().orElseThrow();
    }

    /** Waits for a leader other than {@code old} among the live replicas; how long that took. */
    private Duration newLeaderAfter(long old, long since) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> leader()
                .filter(l -> l.pid() != old && replicas.stream().anyMatch(p -> p.pid() == l.pid() && p.isAlive())).isPresent());
        return Duration.ofNanos(System.nanoTime() - since);
    }

    @Test
    @Order(1)
    void oneReplicaLeadsAndTheOthersAreListed() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> leader().isPresent() && store.healRoster().replicas().size() == 3);
        // Both views agree with the roster; retried because a replica starved past its lease's margin (a busy machine)
        // takes a fresh lease, and one that truly lapsed is unlisted until then: the roster is live, not sticky.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Cli.Result status = herd.drover("status", "--json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            var heal = Json.MAPPER.readTree(status.out()).path("heal");
            assertThat(heal.path("leader").path("pid").asLong()).isEqualTo(leading().pid());
            assertThat(heal.path("replicas")).hasSize(3);
            Cli.Result human = herd.drover("status");
            assertThat(human.out()).contains("heal: led by pid " + leading().pid()).contains("2 more replicas standing by");
        });
    }

    @Test
    @Order(2)
    void killOfTheLeaderThenOfAMemberAnotherReplicaLeadsWithinFiveSecondsAndHealsWithNoWriteLost() throws Exception {
        try (EtcdWriter writer = herd.writer().start("w/")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged().size() > 20);
            Process old = leading();
            long killed = System.nanoTime();
            old.destroyForcibly(); // SIGKILL
            Duration failover = newLeaderAfter(old.pid(), killed);
            System.out.printf("kill -9 of the heal leader: another replica leads after %d ms%n", failover.toMillis());
            assertThat(failover).as("failover after kill -9 of the leader").isLessThan(LocalEtcdHerd.bound(Duration.ofSeconds(5)));

            String victim = herd.serverNames().get(1);
            herd.kill(victim);
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(90))).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(herd.serverNames()).doesNotContain(victim);
                herd.assertWhole(writer, "after kill -9 of the heal leader and of " + victim);
            });
            LocalEtcdHerd.assertNoWriteLost(writer, "after the failover and the heal");
        }
    }

    @Test
    @Order(3)
    void sigtermOfTheLeaderHandsOverWithinASecond() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> leader().isPresent());
        Process old = leading();
        long stopped = System.nanoTime();
        old.destroy(); // SIGTERM: it resigns at once
        Duration handover = newLeaderAfter(old.pid(), stopped);
        System.out.printf("SIGTERM of the heal leader: another replica leads after %d ms%n", handover.toMillis());
        assertThat(handover).as("handover after SIGTERM").isLessThan(LocalEtcdHerd.bound(Duration.ofSeconds(1)));
        assertThat(old.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(herd.log("heal-" + replicas.indexOf(old) + ".log")).contains("resigned the lead");
    }

    @Test
    @Order(4)
    void aLeaderStoppedMidReplacementForTwiceItsLeaseDoesNothingMoreWhenItWakes() throws Exception {
        replicas.add(herd.start("heal-3.log", "heal", "--json", "--lease", "3s"));
        long newest = replicas.get(3).pid();
        await().atMost(Duration.ofSeconds(90)).until(() -> leader().isPresent()
                && store.healRoster().replicas().stream().anyMatch(r -> r.pid() == newest));
        try (EtcdWriter writer = herd.writer().start("s/")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged().size() > 20);
            List<Integer> before = logLengths();
            String victim = herd.serverNames().get(0);
            herd.kill(victim);
            // Created, joined and promoted, not yet recorded as healthy: mid-replacement, at a point the next leader
            // finishes (it adopts the new member). Stopped before the promotion, the member would be a learner, which
            // the engine replaces rather than trusts (docs/heal.md, "What fencing guarantees"). Whoever leads then is
            // the one stopped (on a loaded machine the lead may change while the JVMs start).
            int[] actor = {-1};
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(60))).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (int i = 0; i < replicas.size(); i++) {
                    if (replicas.get(i).isAlive() && herd.log("heal-" + i + ".log").substring(before.get(i)).lines()
                            .anyMatch(l -> l.contains("\"resource\":\"etcd[0]\"") && l.contains("to become healthy"))) {
                        actor[0] = i;
                        return true;
                    }
                }
                return false;
            });
            Process old = replicas.get(actor[0]);
            String oldLog = "heal-" + actor[0] + ".log";
            int from = before.get(actor[0]);
            signal(old, "STOP");
            long stopped = System.nanoTime();
            boolean caught = !herd.log(oldLog).substring(from).contains("\"type\":\"healed\"");
            System.out.println("SIGSTOP of the heal leader: " + (caught ? "caught it before its replacement was healthy"
                    : "too late, its replacement was already healthy (the takeover has nothing to finish this time)"));
            try {
                newLeaderAfter(old.pid(), stopped);
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(90))).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> herd.assertWhole(writer, "the new leader finished the stopped leader's replacement"));
                // A fault for the new leader alone, while the old one is still stopped.
                String second = herd.serverNames().stream().filter(n -> n.startsWith("etcd-2-")).findFirst().orElseThrow();
                herd.kill(second);
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(90))).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(herd.serverNames()).doesNotContain(second);
                    herd.assertWhole(writer, "the new leader healed " + second);
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - stopped > Duration.ofSeconds(6).toNanos());
            } finally {
                signal(old, "CONT");
            }
            int woke = herd.log(oldLog).length();
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> herd.log(oldLog).substring(woke).contains("stopped leading"));
            String after = herd.log(oldLog).substring(woke);
            System.out.println("the stopped leader, woken:\n" + after.lines().filter(l -> l.startsWith("{")).toList());
            assertThat(after).as("the woken leader starts no action").doesNotContain("\"message\":\"creating ")
                    .doesNotContain("\"message\":\"destroying ").doesNotContain("\"message\":\"removing ");

            Map<String, Integer> creates = new java.util.TreeMap<>();
            List<Integer> now = logLengths();
            for (int i = 0; i < replicas.size(); i++) {
                for (String line : herd.log("heal-" + i + ".log").substring(before.get(i), now.get(i)).lines().toList()) {
                    if (line.startsWith("{") && line.contains("\"message\":\"creating ")) {
                        var event = Json.MAPPER.readTree(line);
                        creates.merge(event.path("resource").asString(), 1, Integer::sum);
                    }
                }
            }
            String journal = journal(before);
            assertThat(creates).as("servers created per slot, by every replica:%n%s", journal).containsExactlyInAnyOrderEntriesOf(Map.of("etcd[0]", 1, "etcd[2]", 1));
            herd.assertWhole(writer, "after the stopped leader woke");
            LocalEtcdHerd.assertNoWriteLost(writer, "after the pause, the takeover and the second fault");
        }
    }

    /** What each replica said about the slots since {@code from}, for a failure's message. */
    private String journal(List<Integer> from) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < replicas.size(); i++) {
            String log = herd.log("heal-" + i + ".log");
            for (String line : log.substring(Math.min(from.get(i), log.length())).lines().toList()) {
                if (line.startsWith("{") && !line.contains("\"type\":\"failing\"") && !line.contains("\"type\":\"recovered\"")) {
                    all.append("heal-").append(i).append(": ").append(line).append('\n');
                }
            }
        }
        return all.toString();
    }

    private List<Integer> logLengths() throws Exception {
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            lengths.add(herd.log("heal-" + i + ".log").length());
        }
        return lengths;
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, p.pid()).isZero();
    }
}
