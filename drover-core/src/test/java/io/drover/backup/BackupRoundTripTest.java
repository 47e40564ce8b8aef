package io.drover.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full snapshot and its deltas, taken from a real etcd, restore into a scratch etcd holding exactly what it held. */
class BackupRoundTripTest {
    private static final Path BIN = Path.of("/usr/bin");
    @TempDir
    Path dir;
    EtcdServer etcd;
    Client client;
    Snapshots snapshots;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));

    @BeforeEach
    void start() {
        etcd = EtcdServer.start(dir.resolve("etcd"), "127.0.180.1", null);
        client = Client.builder().endpoints(etcd.endpoint()).build();
        snapshots = new Snapshots(new DirectoryStore(dir.resolve("store")), "shop", "etcd");
    }

    @AfterEach
    void stop() {
        client.close();
        etcd.close();
    }

    private void put(String key, String value) throws Exception {
        client.getKVClient().put(bytes(key), bytes(value)).get();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void aFullSnapshotPlusItsDeltasRestoresEveryPutAndDelete() throws Exception {
        for (int i = 0; i < 50; i++) {
            put("k" + i, "v" + i);
        }
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            FullSnapshot full = taker.full();
            assertThat(full.keys()).isEqualTo(50);
            try (BackupTaker.Recorder recorder = taker.record(full)) {
                put("k1", "changed");
                client.getKVClient().delete(bytes("k2")).get();
                put("k1", "changed again"); // one key twice in a delta: replayed as two transactions
                awaitFlushed(recorder);
                clock.advance(Duration.ofSeconds(2));
                put("late", "x");
                awaitFlushed(recorder);
            }
        }
        FullSnapshot full = snapshots.fulls().getFirst();
        List<Delta> deltas = snapshots.deltas(full, null);
        assertThat(deltas).hasSize(2);

        try (ScratchMember scratch = ScratchMember.seed(snapshots.db(full), BIN, "the snapshot")) {
            KeySpace.replay(scratch.client(), deltas);
            assertThat(KeySpace.digest(scratch.client())).isEqualTo(KeySpace.digest(client));
        }
    }

    @Test
    void deltasUntilATimeLeaveOutLaterChanges() throws Exception {
        put("a", "1");
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            FullSnapshot full = taker.full();
            try (BackupTaker.Recorder recorder = taker.record(full)) {
                put("a", "2");
                awaitFlushed(recorder);
                clock.advance(Duration.ofMinutes(1));
                put("a", "3");
                awaitFlushed(recorder);
            }
            assertThat(snapshots.deltas(full, clock.instant().minusSeconds(30))).singleElement()
                    .satisfies(d -> assertThat(new String(d.changes().getLast().value(), StandardCharsets.UTF_8)).isEqualTo("2"));
        }
    }

    @Test
    void aMissingDeltaIsAGapNotASilentlyOlderRestore() throws Exception {
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            FullSnapshot full = taker.full();
            try (BackupTaker.Recorder recorder = taker.record(full)) {
                put("a", "1");
                awaitFlushed(recorder);
                put("a", "2");
                awaitFlushed(recorder);
            }
            String first = snapshots.deltaNames(full.id()).keySet().iterator().next();
            snapshots.store().delete(first);

            assertThatThrownBy(() -> snapshots.deltas(full, null)).isInstanceOf(BackupException.Damaged.class).hasMessageContaining("gap");
        }
    }

    @Test
    void anotherClustersSnapshotsAreRefused() throws Exception {
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            taker.full();
        }
        Snapshots other = new Snapshots(snapshots.store(), "shop", "config");

        assertThatThrownBy(other::fulls).isInstanceOf(BackupException.WrongCluster.class).hasMessageContaining("cluster 'etcd'");
    }

    @Test
    void aDamagedSnapshotIsRefusedBeforeAnyEtcdStarts() throws Exception {
        FullSnapshot full;
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            full = taker.full();
        }
        Path db = dir.resolve("store").resolve(Snapshots.db(full.id()));
        byte[] bytes = Files.readAllBytes(db);
        bytes[bytes.length - 100] ^= 1;
        Files.write(db, bytes);

        assertThatThrownBy(() -> snapshots.db(full)).isInstanceOf(BackupException.Damaged.class);
    }

    @Test
    void garbageCollectionKeepsTheNewestFullSnapshotsWithTheirDeltas() throws Exception {
        try (BackupTaker taker = BackupTaker.of(etcd.endpoint(), null, snapshots, "shop", clock)) {
            for (int i = 0; i < 3; i++) {
                put("a", "" + i);
                clock.advance(Duration.ofHours(1));
                FullSnapshot full = taker.full();
                try (BackupTaker.Recorder recorder = taker.record(full)) {
                    put("b", "" + i);
                    awaitFlushed(recorder);
                }
            }
        }

        assertThat(snapshots.collect(2)).isEqualTo(1);

        List<FullSnapshot> left = snapshots.fulls();
        assertThat(left).hasSize(2);
        assertThat(snapshots.store().list()).extracting(SnapshotStore.Entry::name)
                .allSatisfy(n -> assertThat(n).satisfiesAnyOf(x -> assertThat(x).contains(left.get(0).id()),
                        x -> assertThat(x).contains(left.get(1).id())));
    }

    @Test
    void theLoopTakesAFullSnapshotEveryFullPeriodAndKeepsTheNewest() throws Exception {
        io.drover.config.BackupSpec spec = new io.drover.config.BackupSpec(Duration.ofSeconds(10), Duration.ofSeconds(2), 2, dir);
        java.util.concurrent.atomic.AtomicInteger periods = new java.util.concurrent.atomic.AtomicInteger();
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupLoop loop = new BackupLoop(snapshots, spec, () -> new BackupLoop.Members(List.of(etcd.endpoint()), null),
                "shop", clock, d -> {
                    try {
                        put("p", "" + periods.get());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    clock.advance(d);
                }, said::add);

        loop.run(() -> periods.incrementAndGet() <= 16); // 32 s of virtual time: fulls at 0, 10, 20 and 30 s

        assertThat(said).filteredOn(l -> l.startsWith("full snapshot")).hasSize(4);
        assertThat(snapshots.fulls()).hasSize(2);
        assertThat(said).anySatisfy(l -> assertThat(l).contains("deleted the 1 oldest"));
    }

    /** Flushes until the watch has delivered the changes just made (a watch event arrives a moment after the put). */
    private static void awaitFlushed(BackupTaker.Recorder recorder) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> recorder.flush() != null);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
