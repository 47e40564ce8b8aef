package io.drover.state.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.state.Election;
import io.drover.state.LeadershipLostException;
import io.drover.state.LockInfo;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.state.StateVersion;
import io.drover.testkit.EtcdServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heal election against a real etcd: one leader at a time, its token fences the state and every action, a
 * deposed leader's write and action are refused with a typed error, resigning hands over at once.
 */
class EtcdElectionTest {
    @TempDir
    static Path dir;

    static EtcdServer etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start(dir.resolve("etcd"));
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static StateStore open(String prefix) throws StateException {
        StateSettings s = StateSettings.defaults(SourcePosition.unknown(dir.resolve("drover.yaml"))).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(etcd.endpoint()))).withPrefix(prefix).withLockTtl(Duration.ofSeconds(3));
        return StateStores.open("h", dir, s, new StateCodec());
    }

    /**
     * Leads as soon as it may: a replica does not stand with a lease it got too slowly to be sure of (the first request
     * of a new client on a loaded machine), and takes a fresh one next time.
     */
    private static Election.Term lead(Election e) {
        Election.Term[] won = new Election.Term[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            won[0] = e.tryLead().orElse(null);
            return won[0] != null;
        });
        return won[0];
    }

    private static LockInfo replica(String name) {
        return LockInfo.current(name, "heal");
    }

    @Test
    void oneReplicaLeadsTheOthersAreListedAndAResignationHandsOverAtOnce() throws Exception {
        String prefix = "/election/" + UUID.randomUUID();
        try (StateStore a = open(prefix); StateStore b = open(prefix);
                Election ea = a.election(replica("a"), Election.Settings.DEFAULT);
                Election eb = b.election(replica("b"), Election.Settings.DEFAULT)) {
            Election.Term first = lead(ea);
            assertThat(eb.tryLead()).isEmpty();
            assertThat(a.healRoster().leader()).hasValueSatisfying(l -> assertThat(l.since()).isEqualTo(first.leader().since()));
            assertThat(b.healRoster().replicas()).hasSize(2);

            first.resign();
            Election.Term second = lead(eb);
            assertThat(second.token()).isGreaterThan(first.token());
            assertThatThrownBy(first::ensureSafe).isInstanceOf(LeadershipLostException.class);
        }
    }

    @Test
    void aWriteOrAnActionOfADeposedLeaderIsRefusedWithATypedError() throws Exception {
        String prefix = "/fence/" + UUID.randomUUID();
        try (StateStore a = open(prefix); StateStore b = open(prefix);
                Election ea = a.election(replica("a"), Election.Settings.DEFAULT);
                Election eb = b.election(replica("b"), Election.Settings.DEFAULT)) {
            lead(ea);
            State s1 = State.empty("h").nextSerial();
            a.write(s1, StateVersion.NONE);
            a.beforeAction("web[0]", "create web-0-1");

            // The leader key goes behind a's back (its lease expired while it was paused, say), and b takes over.
            // a's own clock still trusts the lease: only the token can stop it now.
            try (io.etcd.jetcd.Client raw = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoint()).build()) {
                raw.getKVClient().delete(io.etcd.jetcd.ByteSequence.from(prefix + "/heal/leader", java.nio.charset.StandardCharsets.UTF_8))
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            lead(eb);
            State s2 = s1.nextSerial();
            assertThatThrownBy(() -> a.write(s2, StateVersion.of(s1))).isInstanceOf(LeadershipLostException.class)
                    .hasMessageContaining("another heal replica leads now");
            assertThatThrownBy(() -> a.beforeAction("web[0]", "destroy web-0-1")).isInstanceOf(LeadershipLostException.class);
            assertThat(b.read()).contains(s1);
            b.write(s2, StateVersion.of(s1)); // the new leader writes
            assertThat(a.read()).contains(s2);
        }
    }

    @Test
    void aLeaderWhoseRenewalsStopLeadsNoLongerByItsOwnClockAndAnotherTakesOverWhenTheLeaseExpires() throws Exception {
        String prefix = "/paused/" + UUID.randomUUID();
        AtomicLong frozen = new AtomicLong(System.nanoTime());
        // a's monotonic clock jumps ahead: as after a SIGSTOP longer than the lease
        Election.Settings pausedClock = new Election.Settings(Duration.ofSeconds(2), Duration.ofMillis(500), frozen::get);
        try (StateStore a = open(prefix); StateStore b = open(prefix);
                Election ea = a.election(replica("a"), pausedClock);
                Election eb = b.election(replica("b"), new Election.Settings(Duration.ofSeconds(2), Duration.ofMillis(500), System::nanoTime))) {
            Election.Term term = lead(ea);
            frozen.addAndGet(Duration.ofSeconds(5).toNanos());
            assertThatThrownBy(() -> a.beforeAction("web[0]", "create web-0-2")).isInstanceOf(LeadershipLostException.class)
                    .hasMessageContaining("may have expired");
            assertThatThrownBy(term::ensureSafe).isInstanceOf(LeadershipLostException.class);
            term.resign();
            await().atMost(Duration.ofSeconds(5)).until(() -> eb.tryLead().isPresent());
            Optional<LockInfo> leader = b.healRoster().leader();
            assertThat(leader).hasValueSatisfying(l -> assertThat(l.operation()).isEqualTo("heal"));
        }
    }

    @Test
    void aLeaderWhoseRenewalsLandKeepsItsTermWellPastItsLease() throws Exception {
        String prefix = "/renewed/" + UUID.randomUUID();
        try (StateStore a = open(prefix); Election ea = a.election(replica("a"), new Election.Settings(Duration.ofSeconds(2),
                Duration.ofMillis(500), System::nanoTime))) {
            Election.Term term = lead(ea);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(100)).until(() -> {
                term.ensureSafe();
                return true;
            });
            a.beforeAction("web[0]", "create web-0-1");
            assertThat(a.healRoster().leader()).hasValueSatisfying(l -> assertThat(l.since()).isEqualTo(term.leader().since()));
        }
    }
}
