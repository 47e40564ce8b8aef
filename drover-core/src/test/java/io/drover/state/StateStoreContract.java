package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.config.StateSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link StateStore} keeps, run against each implementation (like OpenTofu's
 * {@code statemgr.TestFull}): round-trip, compare-and-swap on lineage and serial (in-process and between two
 * OS processes), a lock that excludes another process and outlives a killed holder only by its TTL, no torn
 * write when the writer is killed, encryption that round-trips, hides what it must and refuses a wrong key.
 */
public abstract class StateStoreContract {
    protected static final String HERD = "contract";
    protected static final String KEY_VARIABLE = "DROVER_CONTRACT_KEY";
    protected static final String KEY = Base64.getEncoder().encodeToString(bytes(32, 1));
    protected static final String OTHER_KEY = Base64.getEncoder().encodeToString(bytes(32, 2));
    /** Generous: a JVM on a busy 2-core machine can take that long to start. */
    protected static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    protected Path place;

    private final List<StateStore> opened = new ArrayList<>();
    private final List<ChildProcess> children = new ArrayList<>();

    /** The settings of a fresh, empty store of this test's own (the file backend: under {@link #place}). */
    protected abstract StateSettings settings();

    /** Everything the store keeps for the herd, raw, concatenated: to check what is in clear. */
    protected abstract byte[] rawStored() throws Exception;

    /** How long after kill -9 of its holder the lock may still be held (the etcd lease TTL; a file lock: none). */
    protected abstract Duration lockOutlivesKilledHolderBy();

    /** The size of a state that is large for this store (over etcd's 1.5 MiB request limit). */
    protected int largePayload() {
        return 3 * 1024 * 1024;
    }

    protected StateSettings encrypted() {
        return settings().withEncryption(new StateSettings.Encryption(new StateSettings.KeyEnv(KEY_VARIABLE), null));
    }

    protected StateStore open(StateSettings settings, Map<String, String> env) throws StateException {
        return open(settings, StateStores.codec(HERD, settings, env, false));
    }

    protected StateStore open(StateSettings settings, StateCodec codec) throws StateException {
        StateStore store = StateStores.open(HERD, place.resolve(".drover"), settings, codec);
        opened.add(store);
        return store;
    }

    protected StateStore store() throws StateException {
        return open(settings(), Map.of());
    }

    protected ChildProcess child(String command, StateSettings settings, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(StateStoreChild.describe(HERD, place.resolve(".drover"), settings));
        args.addAll(List.of(extra));
        ChildProcess c = ChildProcess.start(command, args, env, place);
        children.add(c);
        return c;
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        for (ChildProcess c : children) {
            c.close();
        }
        for (StateStore s : opened) {
            s.close();
        }
    }

    protected static State sample() {
        State s = State.empty(HERD);
        for (int i = 0; i < 3; i++) {
            s = s.with(new ServerRecord("etcd[" + i + "]", "etcd", i, 1, "etcd-" + i + "-1", "id-" + i, "127.0.0." + (10 + i),
                    "sha256:d" + i, "sha256:img", Instant.parse("2026-01-01T00:00:00Z"), false, Map.of("member", "m" + i)));
        }
        return s.withOutputs(Map.of("etcd_endpoints", "https://127.0.0.10:2379"))
                .withSecrets(Map.of("pki/etcd/ca.key", "-----BEGIN PRIVATE KEY-----\nTOPSECRETCAKEY\n-----END PRIVATE KEY-----"));
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    // --- round trip ---

    @Test
    void absentStateReadsAsEmpty() throws Exception {
        assertThat(store().read()).isEmpty();
    }

    @Test
    void writtenStateReadsBackEqualAlsoFromAnotherStoreObject() throws Exception {
        State first = sample().nextSerial();
        store().write(first, StateVersion.NONE);

        assertThat(store().read()).contains(first);
        State second = first.without("etcd-1-1").nextSerial();
        store().write(second, StateVersion.of(first));
        assertThat(store().read()).contains(second);
    }

    @Test
    void largeStateRoundTrips() throws Exception {
        State big = StateStoreChild.withPayload(sample(), largePayload()).nextSerial();
        StateStore store = store();
        store.write(big, StateVersion.NONE);
        assertThat(store().read()).contains(big);
        State bigger = StateStoreChild.withPayload(big, largePayload() + 12345).nextSerial();
        store.write(bigger, StateVersion.of(big));
        assertThat(store().read()).contains(bigger);
        State small = sample().nextSerial().nextSerial().nextSerial(); // back under the limit: chunks must not linger in reads
        store.write(small, StateVersion.of(bigger));
        assertThat(store().read()).contains(small);
    }

    // --- compare-and-swap ---

    @Test
    void writeFromAStaleReadIsRefusedAndChangesNothing() throws Exception {
        State base = sample().nextSerial();
        store().write(base, StateVersion.NONE);
        State mine = base.withOutputs(Map.of("who", "me")).nextSerial();
        State theirs = base.withOutputs(Map.of("who", "them")).nextSerial();
        store().write(theirs, StateVersion.of(base));

        assertThatThrownBy(() -> store().write(mine, StateVersion.of(base)))
                .isInstanceOf(StateConflictException.class)
                .hasMessageContaining("someone else changed the herd since you read it")
                .hasMessageContaining("re-run plan")
                .satisfies(e -> assertThat(((StateConflictException) e).found()).isEqualTo(StateVersion.of(theirs)));
        assertThat(store().read()).contains(theirs);
    }

    @Test
    void firstWriteIsRefusedWhenSomeoneElseCreatedTheStateMeanwhile() throws Exception {
        State theirs = sample().nextSerial();
        store().write(theirs, StateVersion.NONE);

        State mine = State.empty(HERD).nextSerial(); // another lineage, read when there was nothing
        assertThatThrownBy(() -> store().write(mine, StateVersion.NONE)).isInstanceOf(StateConflictException.class);
        assertThat(store().read()).contains(theirs);
    }

    @Test
    void aStateOfAnotherLineageIsNeverOverwritten() throws Exception {
        State stored = sample().nextSerial().nextSerial();
        store().write(stored, StateVersion.NONE);
        State stranger = State.empty(HERD).nextSerial().nextSerial(); // same serial, another lineage

        assertThatThrownBy(() -> store().write(stranger.nextSerial(), StateVersion.of(stranger)))
                .isInstanceOf(StateConflictException.class)
                .hasMessageContaining("another lineage");
        assertThat(store().read()).contains(stored);
    }

    @Test
    void twoProcessesReadTheSameStateAndWriteExactlyOneWins() throws Exception {
        State base = sample().nextSerial();
        store().write(base, StateVersion.NONE);
        ChildProcess a = child("read-then-write", settings(), Map.of());
        ChildProcess b = child("read-then-write", settings(), Map.of());
        assertThat(a.await("read ", CHILD_TIMEOUT)).isEqualTo("read 1");
        assertThat(b.await("read ", CHILD_TIMEOUT)).isEqualTo("read 1");

        a.tell("go");
        b.tell("go");
        int exitA = a.waitFor(CHILD_TIMEOUT);
        int exitB = b.waitFor(CHILD_TIMEOUT);

        assertThat(List.of(exitA, exitB)).as(a.lines() + " / " + b.lines()).containsExactlyInAnyOrder(0, 3);
        ChildProcess winner = exitA == 0 ? a : b;
        ChildProcess loser = exitA == 0 ? b : a;
        assertThat(loser.find("conflict")).contains("re-run plan");
        State stored = store().read().orElseThrow();
        assertThat(stored.serial()).isEqualTo(2);
        assertThat(stored.outputs()).containsEntry("writer", String.valueOf(winner.pid()));
    }

    // --- lock ---

    @Test
    void lockExcludesAnotherProcessNamesItsHolderAndAWaiterGetsItOnRelease() throws Exception {
        ChildProcess holder = child("lock", settings(), Map.of());
        String id = holder.await("locked ", CHILD_TIMEOUT).substring("locked ".length());
        StateStore store = store();

        assertThatThrownBy(() -> store.lock("apply"))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("'drover child-lock'")
                .hasMessageContaining("pid " + holder.pid())
                .hasMessageContaining(id)
                .satisfies(e -> assertThat(((LockHeldException) e).holder().pid()).isEqualTo(holder.pid()));
        Optional<LockInfo> seen = store.lockHolder();
        assertThat(seen).isPresent();
        assertThat(seen.get().id()).isEqualTo(id);
        assertThatThrownBy(() -> store.forceUnlock("not-" + id)).isInstanceOf(StateException.class).hasMessageContaining(id);
        assertThat(store.lockHolder()).isPresent();

        List<LockInfo> waitedFor = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread releaser = Thread.ofVirtual().start(() -> {
            await().atMost(CHILD_TIMEOUT).until(() -> !waitedFor.isEmpty());
            holder.tell("release");
        });
        try (StateLock mine = new LockWaiter().lock(store, "apply", CHILD_TIMEOUT, waitedFor::add)) {
            assertThat(waitedFor).extracting(LockInfo::pid).containsExactly(holder.pid());
            assertThat(holder.await("released", CHILD_TIMEOUT)).isNotNull();
            assertThat(store.lockHolder().map(LockInfo::pid)).contains(ProcessHandle.current().pid());
        }
        releaser.join();
        assertThat(store.lockHolder()).isEmpty();
    }

    @Test
    void lockOfAHolderKilledWithSigkillFreesItselfWithinItsTtl() throws Exception {
        ChildProcess holder = child("lock", settings(), Map.of());
        holder.await("locked ", CHILD_TIMEOUT);
        StateStore store = store();
        assertThatThrownBy(() -> store.lock("apply")).isInstanceOf(LockHeldException.class);

        holder.kill9();
        long killed = System.nanoTime();
        Duration bound = lockOutlivesKilledHolderBy().plusSeconds(5);
        StateLock[] taken = new StateLock[1];
        await().atMost(bound).pollInterval(Duration.ofMillis(100)).ignoreException(LockHeldException.class)
                .until(() -> (taken[0] = store.lock("apply")) != null);
        taken[0].close();
        System.out.printf("lock taken over %.2f s after kill -9 of its holder%n", (System.nanoTime() - killed) / 1e9);
    }

    // --- crashes ---

    @Test
    void writerKilledWithSigkillMidWriteLeavesAWholeState() throws Exception {
        StateStore store = store();
        ChildProcess writer = child("write-loop", settings(), Map.of(), "size=" + largePayload());
        int writes = 1 + ThreadLocalRandom.current().nextInt(3);
        // Kill at a random moment inside the write after `writes` whole ones: the child says "writing N" just before
        // and "wrote N" just after each write of a multi-MiB state. Killing the moment "writing" shows would land in
        // what a store does first (the file store reads and checks the stored version, then writes its backup) and
        // never in the bytes of the state itself, so a store writing in place would pass; the moment is chosen
        // within the shortest whole write seen so far, as measured from the child's own lines.
        await().atMost(CHILD_TIMEOUT).pollInterval(Duration.ofMillis(1))
                .until(() -> writer.lines().stream().filter(l -> l.startsWith("wrote ")).count() >= writes
                        && writer.lines().stream().filter(l -> l.startsWith("writing ")).count() > writes);
        List<String> begun = writer.lines().stream().filter(l -> l.startsWith("writing ")).toList();
        long span = Long.MAX_VALUE;
        for (String line : begun.subList(0, writes)) {
            long took = writer.seenAt("wrote " + line.substring("writing ".length())) - writer.seenAt(line);
            span = Math.min(span, took);
        }
        long killAt = writer.seenAt(begun.get(writes)) + ThreadLocalRandom.current().nextLong(Math.max(1, span));
        await().atMost(CHILD_TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() >= killAt);
        writer.kill9();

        String last = writer.last("wrote ");
        State after = store.read().orElseThrow();
        assertThat(after.serial()).isGreaterThanOrEqualTo(Long.parseLong(last.substring("wrote ".length())));
        assertThat(StateStoreChild.digest(after.outputs().get("payload"))).isEqualTo(after.outputs().get("check"));
        assertThat(after.outputs().get("payload")).startsWith(after.serial() + "-");
        State before = store.read().orElseThrow(); // and the next writer carries on from it
        store.write(before.nextSerial(), StateVersion.of(before));
        assertThat(store.read().orElseThrow().serial()).isEqualTo(before.serial() + 1);
    }

    // --- encryption ---

    @Test
    void encryptedStateRoundTripsAndKeepsSecretsLineageAndNamesOutOfClearText() throws Exception {
        State state = sample().nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(state, StateVersion.NONE);
        State next = state.withOutputs(Map.of("etcd_endpoints", "changed")).nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(next, StateVersion.of(state)); // a backup, where kept, too

        assertThat(open(encrypted(), Map.of(KEY_VARIABLE, KEY)).read()).contains(next);
        String raw = new String(rawStored(), StandardCharsets.ISO_8859_1);
        assertThat(raw).isNotEmpty()
                .doesNotContain("TOPSECRETCAKEY").doesNotContain("PRIVATE KEY")
                .doesNotContain(state.lineage())
                .doesNotContain("etcd-0-1").doesNotContain("etcd-2-1")
                .doesNotContain("127.0.0.10");
    }

    @Test
    void wrongKeyFailsClearlyAndChangesNothing() throws Exception {
        State state = sample().nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(state, StateVersion.NONE);
        byte[] before = rawStored();

        assertThatThrownBy(() -> open(encrypted(), Map.of(KEY_VARIABLE, OTHER_KEY)).read())
                .isInstanceOf(StateKeyException.class)
                .hasMessageContaining("cannot decrypt")
                .hasMessageContaining("$" + KEY_VARIABLE)
                .hasMessageContaining("Nothing was changed");
        assertThatThrownBy(() -> open(settings(), Map.of()).read())
                .isInstanceOf(StateKeyException.class)
                .hasMessageContaining("encrypted");
        assertThat(rawStored()).isEqualTo(before);
    }

    @Test
    void onceEncryptionIsOnAnUnencryptedStateIsRefusedUnlessMigratedOnPurpose() throws Exception {
        State plain = sample().nextSerial();
        store().write(plain, StateVersion.NONE);

        assertThatThrownBy(() -> open(encrypted(), Map.of(KEY_VARIABLE, KEY)).read())
                .isInstanceOf(UnencryptedStateException.class)
                .hasMessageContaining("--from-unencrypted");

        StateCodec migrating = StateStores.codec(HERD, encrypted(), Map.of(KEY_VARIABLE, KEY), true);
        StateStore migrator = open(encrypted(), migrating);
        State read = migrator.read().orElseThrow();
        migrator.write(read.nextSerial(), StateVersion.of(read));

        assertThat(open(encrypted(), Map.of(KEY_VARIABLE, KEY)).read().orElseThrow().servers()).isEqualTo(plain.servers());
        String raw = new String(rawStored(), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("TOPSECRETCAKEY").doesNotContain(plain.lineage()).doesNotContain("etcd-0-1");
    }

    @Test
    void anEncryptedStateIsRefusedWithoutTheKeyUntilADecryptingMigrationRewritesItInClear() throws Exception {
        State state = sample().nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(state, StateVersion.NONE);

        assertThatThrownBy(() -> store().read())
                .isInstanceOf(EncryptedStateException.class)
                .hasMessageContaining("--decrypt");

        StateCodec decrypting = StateStores.codec(HERD, encrypted(), Map.of(KEY_VARIABLE, KEY), false).decrypting();
        StateStore migrator = open(encrypted(), decrypting);
        State read = migrator.read().orElseThrow();
        migrator.write(read.nextSerial(), StateVersion.of(read));

        State plain = store().read().orElseThrow();
        assertThat(plain.servers()).isEqualTo(state.servers());
        assertThat(plain.serial()).isEqualTo(state.serial() + 1);
        assertThat(new String(rawStored(), StandardCharsets.UTF_8)).contains(state.lineage());
    }

    @Test
    void fallbackKeyReadsStateWrittenBeforeARotationAndNewWritesUseTheNewKey() throws Exception {
        State old = sample().nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(old, StateVersion.NONE);
        StateSettings rotating = settings().withEncryption(new StateSettings.Encryption(
                new StateSettings.KeyEnv("NEW_KEY"), new StateSettings.KeyEnv(KEY_VARIABLE)));
        Map<String, String> both = Map.of("NEW_KEY", OTHER_KEY, KEY_VARIABLE, KEY);

        StateStore store = open(rotating, both);
        State read = store.read().orElseThrow();
        assertThat(read).isEqualTo(old);
        store.write(read.nextSerial(), StateVersion.of(read));

        StateSettings rotated = settings().withEncryption(new StateSettings.Encryption(new StateSettings.KeyEnv("NEW_KEY"), null));
        assertThat(open(rotated, Map.of("NEW_KEY", OTHER_KEY)).read().orElseThrow().serial()).isEqualTo(2);
        assertThatThrownBy(() -> open(encrypted(), Map.of(KEY_VARIABLE, KEY)).read()).isInstanceOf(StateKeyException.class);
    }

    @Test
    void encryptedStateOfAnotherHerdIsRefused() throws Exception {
        State state = sample().nextSerial();
        open(encrypted(), Map.of(KEY_VARIABLE, KEY)).write(state, StateVersion.NONE);
        StateCodec otherHerd = StateStores.codec("other-herd", encrypted(), Map.of(KEY_VARIABLE, KEY), false);

        assertThatThrownBy(() -> open(encrypted(), otherHerd).read())
                .isInstanceOf(StateKeyException.class)
                .hasMessageContaining("another herd than 'other-herd'");
    }
}
