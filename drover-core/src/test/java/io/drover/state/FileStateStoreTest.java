package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {
    @TempDir
    Path dir;

    private static ServerRecord server(String name) {
        return new ServerRecord("web[0]", "web", 0, 1, name, "id-" + name, "127.0.0.9", "sha256:x", "sha256:i",
                Instant.parse("2026-01-01T00:00:00Z"), false, Map.of("k", "v"));
    }

    @Test
    void absentStateReadsAsEmpty() throws Exception {
        assertThat(new FileStateStore(dir).read()).isEmpty();
    }

    @Test
    void writtenStateReadsBackEqual() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        State state = State.empty("h").with(server("web-0-1")).withOutputs(Map.of("a", "b")).nextSerial();
        store.write(state, StateVersion.NONE);
        assertThat(store.read()).contains(state);
    }

    @Test
    void aRefusedWriteSaysWhyAndKeepsThePreviousState() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        State first = State.empty("h").with(server("web-0-1")).nextSerial();
        store.write(first, StateVersion.NONE);
        // The backup's temp file cannot be replaced: a non-empty directory stands in its way (as root too).
        Files.createDirectories(dir.resolve("state.json.backup.tmp/x"));

        assertThatThrownBy(() -> store.write(first.without("web-0-1").nextSerial(), StateVersion.of(first)))
                .isInstanceOf(StateException.class)
                .hasMessage("cannot write the state to " + dir.resolve("state.json") + ": directory not empty ("
                        + dir.resolve("state.json.backup.tmp") + "). The previous state is untouched.");
        assertThat(store.read()).contains(first);
    }

    @Test
    void fileErrorsAreDescribedByTheirTypeNotOnlyByThePathInTheirMessage() {
        assertThat(io.drover.spi.FileErrors.describe(new java.nio.file.AccessDeniedException("/x/state.json.tmp")))
                .isEqualTo("permission denied (/x/state.json.tmp)");
        assertThat(io.drover.spi.FileErrors.describe(new java.nio.file.FileSystemException("/x", null, "Read-only file system")))
                .isEqualTo("read-only file system (/x)");
        assertThat(io.drover.spi.FileErrors.describe(new java.io.IOException("No space left on device"))).isEqualTo("no space left on device");
    }

    @Test
    void previousVersionIsKeptAsBackup() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        State first = State.empty("h").with(server("web-0-1")).nextSerial();
        store.write(first, StateVersion.NONE);
        store.write(first.without("web-0-1").nextSerial(), StateVersion.of(first));

        State backup = new StateCodec().decode(Files.readAllBytes(dir.resolve("state.json.backup")), "backup");
        assertThat(backup).isEqualTo(first);
        assertThat(store.read().orElseThrow().servers()).isEmpty();
    }

    @Test
    void stateAndBackupAreReadableByTheirOwnerOnlyBecauseTheyHoldSecrets() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        State first = State.empty("h").withSecrets(Map.of("pki/etcd/ca.key", "-----BEGIN PRIVATE KEY-----")).nextSerial();
        store.write(first, StateVersion.NONE);
        store.write(first.nextSerial(), StateVersion.of(first));
        for (String name : new String[] {"state.json", "state.json.backup"}) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
                    .as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        State first = State.empty("h").nextSerial();
        store.write(first, StateVersion.NONE);
        store.write(first.nextSerial(), StateVersion.of(first));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("state.json.tmp", "state.json.backup.tmp");
        }
    }

    @Test
    void corruptStateIsReportedWithTheWayOut() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{not json");
        assertThatThrownBy(() -> new FileStateStore(dir).read())
                .isInstanceOf(StateException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("backup")
                .isInstanceOf(DamagedStateException.class);
    }

    @Test
    void turningEncryptionOnLeavesNoPlaintextBackupBehind() throws Exception {
        State plain = State.empty("h").with(server("web-0-1"))
                .withSecrets(Map.of("pki/etcd/ca.key", "-----BEGIN PRIVATE KEY-----")).nextSerial();
        new FileStateStore(dir).write(plain, StateVersion.NONE);
        StateCipher cipher = new StateCipher(new StateCipher.RawKey(new byte[32], "test key"), null);
        FileStateStore encrypted = new FileStateStore(dir, new StateCodec("h", cipher, true));

        encrypted.write(plain.nextSerial(), StateVersion.of(plain));

        for (String name : new String[] {"state.json", "state.json.backup"}) {
            String text = Files.readString(dir.resolve(name));
            assertThat(text).as(name).contains("drover_encrypted_state").doesNotContain("PRIVATE KEY")
                    .doesNotContain("web-0-1").doesNotContain(plain.lineage());
        }
        State backup = new StateCodec("h", cipher, false).decode(Files.readAllBytes(dir.resolve("state.json.backup")), "backup");
        assertThat(backup).isEqualTo(plain);
    }

    @Test
    void secondLockerIsRefusedAtOnceAndToldWhoHoldsIt() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        try (StateLock held = store.lock("apply")) {
            assertThatThrownBy(() -> store.lock("destroy"))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("'drover apply'")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        try (StateLock again = store.lock("destroy")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void forceUnlockOfALiveHoldersFileLockSaysToStopThatProcess() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        try (StateLock held = store.lock("apply")) {
            String id = store.lockHolder().orElseThrow().id();
            assertThatThrownBy(() -> store.forceUnlock(id))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("kill " + ProcessHandle.current().pid());
        }
        assertThatThrownBy(() -> store.forceUnlock("x")).hasMessageContaining("not locked");
    }

    @Test
    void lockIsHeldAgainstAnotherProcess() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        try (StateLock held = store.lock("apply")) {
            assertThat(tryLockFromAnotherProcess()).isNotZero();
        }
        assertThat(tryLockFromAnotherProcess()).isZero();
    }

    /** The JDK locks with fcntl(2); python's lockf takes the same kind of lock from a separate process. */
    private int tryLockFromAnotherProcess() throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import fcntl,sys; f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
                dir.resolve("lock").toString()).redirectErrorStream(true).start();
        return p.waitFor();
    }

    @Test
    void lockHolderIsNamedWhileHeldWithoutTakingTheLock() throws Exception {
        FileStateStore store = new FileStateStore(dir);
        assertThat(store.lockHolder()).isEmpty();
        try (StateLock held = store.lock("apply")) {
            LockInfo holder = store.lockHolder().orElseThrow();
            assertThat(holder.operation()).isEqualTo("apply");
            assertThat(holder.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(store.lockHolder()).isPresent(); // looking twice took nothing
        }
        assertThat(store.lockHolder()).isEmpty();
    }

    @Test
    void lockHolderWhoDiedWithoutReleasingIsNotNamed() throws Exception {
        // What a holder killed with SIGKILL leaves: its text, and no OS lock (the OS dropped it with the process).
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dir.resolve("lock"), String.join("\t", "heal", "someone", "host", Long.toString(gone.pid()), "2026-01-01T00:00:00Z"));
        assertThat(new FileStateStore(dir).lockHolder()).isEmpty();
    }
}
