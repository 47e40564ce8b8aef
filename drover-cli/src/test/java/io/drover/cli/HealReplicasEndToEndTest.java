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
 * heals the herd to full strength with no acknowledged write lost; SIGTERM of the leader hands over within 1 s.
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
        Cli.Result status = herd.drover("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        var heal = Json.MAPPER.readTree(status.out()).path("heal");
        assertThat(heal.path("leader").path("pid").asLong()).isEqualTo(leading().pid());
        assertThat(heal.path("replicas")).hasSize(3);
        Cli.Result human = herd.drover("status");
        assertThat(human.out()).contains("heal: led by pid " + leading().pid()).contains("2 more replicas standing by");
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
}
