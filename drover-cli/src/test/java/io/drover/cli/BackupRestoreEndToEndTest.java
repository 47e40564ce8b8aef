package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.EtcdWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's "done when" (then the same with {@code autoRestore} and no command typed): a 3-member etcd herd backed up continuously (deltas every 2 s) loses two members for good
 * (SIGKILL, data deleted); {@code drover restore}, killed once and run again, brings back 3 healthy members holding every write acknowledged more
 * than one delta period before the loss, under new names, with the same outputs (client files and endpoints), and the next plan is empty. Bad input before it
 * (a time before the first snapshot, a missing one, a damaged one) is refused with nothing destroyed.
 */
class BackupRestoreEndToEndTest {
    private static final Duration DELTA = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void restoreAfterLosingTwoOfThreeMembersBringsBackEveryWriteOlderThanOneDeltaPeriod() throws Exception {
        try (LocalEtcdHerd herd = new LocalEtcdHerd(dir, "backup-e2e", "127.0.195.0/24")) {
            Files.writeString(herd.file, Files.readString(herd.file).replace("    etcd:\n      flags:\n",
                    "    etcd:\n      backup: {full: 1h, delta: 2s, keep: 3}\n      flags:\n"));
            Cli.Result apply = herd.drover("apply", "--auto-approve");
            assertThat(apply.exitCode()).as(apply.toString()).isZero();
            Cli.Result outputsBefore = herd.drover("output", "--json");
            List<String> before = herd.serverNames();
            java.util.Map<String, String> clientFiles = new java.util.HashMap<>();
            for (String file : List.of("etcd_ca_file", "etcd_cert_file", "etcd_key_file")) {
                clientFiles.put(file, Files.readString(Path.of(herd.output(file))));
            }

            Process backup = herd.start("backup.log", "backup", "--follow");
            EtcdWriter writer = herd.writer().start("w/");
            long lossNanos;
            java.time.Instant lossTime;
            try {
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> herd.log("backup.log").contains("full snapshot"));
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> writer.acknowledged().size() > 200
                        && Files.list(dir.resolve(".drover/backups/backup-e2e/etcd")).anyMatch(p -> p.getFileName().toString().startsWith("delta-")));

                // The disaster: two of three members gone for good, quorum lost.
                lossNanos = System.nanoTime();
                lossTime = java.time.Instant.now();
                for (String dead : before.subList(1, 3)) {
                    herd.kill(dead);
                    deleteTree(dir.resolve(".drover/local/servers").resolve(dead).resolve("root/var/lib/etcd"));
                }
                // The backup writes what it already has at its next delta period (its watch may have been on a dead member).
                int deltas = deltaCount();
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(20))).until(() -> deltaCount() > deltas || !herd.log("backup.log").isEmpty()
                        && herd.log("backup.log").contains("stopped"));
            } finally {
                backup.destroyForcibly().waitFor();
                writer.stop();
            }

            refusedBeforeAnythingIsDestroyed(herd);

            Cli.Result listed = herd.drover("backups", "--verify", "--json");
            assertThat(listed.exitCode()).as(listed.toString()).isZero();
            var snapshotsListed = Json.MAPPER.readTree(listed.out()).path("snapshots");
            assertThat(snapshotsListed.size()).isEqualTo(1);
            assertThat(snapshotsListed.get(0).path("deltas").asInt()).isPositive();
            assertThat(snapshotsListed.get(0).path("verified").asString()).startsWith("ok: restores to");

            // A restore killed (SIGKILL) once it has begun destroying the old members is finished by the next one.
            Process killed = herd.start("restore-killed.log", "restore", "--auto-approve");
            try {
                await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(60))).pollInterval(Duration.ofMillis(10))
                        .until(() -> herd.log("restore-killed.log").contains("destroying") || !killed.isAlive());
            } finally {
                killed.destroyForcibly().waitFor();
            }
            assertThat(herd.log("restore-killed.log")).as("the first restore was killed while destroying").doesNotContain("Restore complete!");
            Cli.Result restore = herd.drover("restore", "--auto-approve");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.out()).contains("an interrupted restore of snapshot", "Restore complete!");
            System.out.println(restore.out());

            herd.assertWhole(writer, "restored");
            assertThat(herd.servers()).as("fresh servers, created after the loss").allSatisfy(s ->
                    assertThat(java.time.Instant.parse(s.path("createdAt").asString())).isAfter(lossTime));
            assertNewNamesInTheSameSlots(before, herd.serverNames());
            // The outputs are the same: the client files (the client PKI is unchanged) and the endpoints (each new
            // member asked the local provider for its slot's old address, free once the old member was destroyed).
            Cli.Result outputsAfter = herd.drover("output", "--json");
            var was = Json.MAPPER.readTree(outputsBefore.out());
            var now = Json.MAPPER.readTree(outputsAfter.out());
            for (String file : List.of("etcd_ca_file", "etcd_cert_file", "etcd_key_file")) {
                assertThat(now.path(file).asString()).as(file).isEqualTo(was.path(file).asString());
                assertThat(Files.readString(Path.of(now.path(file).asString()))).as(file + " content").isEqualTo(clientFiles.get(file));
            }
            assertThat(now.path("etcd_endpoints").asString()).as("etcd_endpoints").isEqualTo(was.path("etcd_endpoints").asString());
            assertThat(now).as("every output").isEqualTo(was);

            List<String> acknowledged = writer.acknowledged();
            List<Long> ackNanos = writer.acknowledgedNanos();
            Set<String> readable = Set.copyOf(writer.keys("w/"));
            long windowNanos = LocalEtcdHerd.bound(DELTA.plusSeconds(1)).toNanos();
            int lost = 0;
            int lostBeforeWindow = 0;
            for (int i = 0; i < acknowledged.size(); i++) {
                if (!readable.contains(acknowledged.get(i))) {
                    lost++;
                    if (ackNanos.get(i) < lossNanos - windowNanos) {
                        lostBeforeWindow++;
                    }
                }
            }
            System.out.printf("restore: %d of %d acknowledged writes restored; %d lost, all acknowledged in the last %d ms before the loss%n",
                    acknowledged.size() - lost, acknowledged.size(), lost, windowNanos / 1_000_000);
            assertThat(lostBeforeWindow).as("writes acknowledged more than one delta period before the loss, lost").isZero();
            writer.close();

            autoRestoreByHealWithNoCommandTyped(herd);
        }
    }

    /**
     * The same loss again, with {@code autoRestore: after 3s} and {@code drover heal} running: heal's own backups hold
     * the keys, and heal restores the cluster by itself.
     */
    private void autoRestoreByHealWithNoCommandTyped(LocalEtcdHerd herd) throws Exception {
        Files.writeString(herd.file, Files.readString(herd.file).replace("keep: 3}", "keep: 3, autoRestore: after 3s}"));
        List<String> before = herd.serverNames();
        List<String> endpointsBefore = herd.endpoints();
        Process heal = herd.start("heal.log", "heal");
        try {
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> herd.log("heal.log").contains("full snapshot"));
            for (int i = 0; i < 10; i++) {
                assertThat(herd.etcdctl(herd.endpoints(), "put", "auto/key-" + i, "value-" + i)).isZero();
            }
            // Every key written more than one delta period before the loss is backed up: wait until the last one is.
            String last = java.util.Base64.getEncoder().encodeToString("auto/key-9".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(20))).until(() -> deltaFilesContain(last));

            long lossNanos = System.nanoTime();
            for (String dead : before.subList(0, 2)) {
                herd.kill(dead);
                deleteTree(dir.resolve(".drover/local/servers").resolve(dead).resolve("root/var/lib/etcd"));
            }
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(120))).pollInterval(Duration.ofMillis(100))
                    .until(() -> herd.log("heal.log").contains("restored etcd cluster 'etcd'"));
            System.out.printf("autoRestore: heal restored the cluster %d ms after the loss%n", (System.nanoTime() - lossNanos) / 1_000_000);
        } finally {
            heal.destroyForcibly().waitFor();
        }
        assertThat(herd.log("heal.log")).contains("without quorum for", "autoRestore");
        List<String> endpoints = herd.endpoints();
        assertThat(endpoints).as("the endpoints after heal's restore").isEqualTo(endpointsBefore);
        assertNewNamesInTheSameSlots(before, herd.serverNames());
        assertThat(herd.etcdctl(endpoints, "endpoint", "health")).as("etcdctl endpoint health " + endpoints).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(herd.etcdctl(endpoints, "get", "auto/key-" + i, "--print-value-only")).isZero();
        }
        try (EtcdWriter reader = herd.writer()) {
            assertThat(reader.keys("auto/")).hasSize(10);
            assertThat(reader.members()).hasSize(3);
        }
    }

    /** Each slot's new server has a name no server had before: the same slot, a later generation. */
    private static void assertNewNamesInTheSameSlots(List<String> before, List<String> after) {
        assertThat(after).as("new names").hasSameSizeAs(before).doesNotContainAnyElementsOf(before);
        for (String name : after) {
            String slot = name.substring(0, name.lastIndexOf('-'));
            int generation = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
            assertThat(before).as("the old server of " + name + "'s slot had an earlier generation")
                    .anySatisfy(old -> {
                        assertThat(old.substring(0, old.lastIndexOf('-'))).isEqualTo(slot);
                        assertThat(Integer.parseInt(old.substring(old.lastIndexOf('-') + 1))).isLessThan(generation);
                    });
        }
    }

    /** Bad input: a clear message, a non-zero exit, and the survivor and the state untouched. */
    private void refusedBeforeAnythingIsDestroyed(LocalEtcdHerd herd) throws Exception {
        String state = Files.readString(dir.resolve(".drover/state.json"));
        Path store = dir.resolve(".drover/backups/backup-e2e/etcd");
        Path db;
        try (Stream<Path> files = Files.list(store)) {
            db = files.filter(p -> p.getFileName().toString().matches("full-.*\\.db")).findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(db);

        Cli.Result before = herd.drover("restore", "--at", "2000-01-01T00:00:00Z", "--auto-approve");
        assertThat(before.exitCode()).as(before.toString()).isNotZero();
        assertThat(before.err()).contains("before the first full snapshot");

        Cli.Result missing = herd.drover("restore", "--snapshot", "20000101T000000000Z", "--auto-approve");
        assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
        assertThat(missing.err()).contains("no snapshot object");

        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(db, bad);
        Cli.Result damaged = herd.drover("restore", "--auto-approve");
        Files.write(db, good);
        assertThat(damaged.exitCode()).as(damaged.toString()).isNotZero();
        assertThat(damaged.err()).contains("is damaged");

        assertThat(Files.readString(dir.resolve(".drover/state.json"))).as("the state, after refused restores").isEqualTo(state);
        assertThat(Files.exists(store.resolve("restore.json"))).as("no restore recorded").isFalse();
    }

    private boolean deltaFilesContain(String text) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(".drover/backups/backup-e2e/etcd"))) {
            for (Path p : files.filter(p -> p.getFileName().toString().matches("delta-.*\\.json")).toList()) {
                if (Files.readString(p).contains(text)) {
                    return true;
                }
            }
            return false;
        }
    }

    private int deltaCount() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(".drover/backups/backup-e2e/etcd"))) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith("delta-") && p.toString().endsWith(".json")).count();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
