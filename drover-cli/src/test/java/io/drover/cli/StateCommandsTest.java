package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.testkit.EtcdServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code drover state pull|push|migrate} and {@code drover force-unlock}, as a user runs them (no servers needed). */
class StateCommandsTest {
    private static final String HERD = "herd: moving\nclusters:\n  web: {size: 1, image: host}\n";

    @TempDir
    static Path etcdDir;

    static EtcdServer etcd;

    @TempDir
    Path dir;

    Path herdFile;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start(etcdDir);
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void writeHerd() throws Exception {
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, HERD);
    }

    private Cli.Result drover(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-f";
        all[args.length + 1] = herdFile.toString();
        return Cli.run(all);
    }

    private static State recorded(long serial) {
        State s = State.empty("moving").with(new ServerRecord("web[0]", "web", 0, 1, "web-0-1", "id-1", "127.0.0.9", "sha256:d",
                "sha256:i", Instant.parse("2026-01-01T00:00:00Z"), false, Map.of()));
        return new State(s.formatVersion(), s.lineage(), serial, s.herd(), s.servers(), Map.of("url", "http://127.0.0.9"), Map.of());
    }

    private Path file(String name, State state) throws Exception {
        return Files.write(dir.resolve(name), StateCodec.json(state));
    }

    private State pulled() throws Exception {
        Cli.Result r = drover("state", "pull");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // Read as drover reads a state (the state format leaves out defaults such as spare: false, which a strict
        // object mapper refuses for a primitive).
        return new StateCodec().decode(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8), "state pull's output");
    }

    @Test
    void pushIntoAnEmptyPlaceThenPullGivesItBack() throws Exception {
        State state = recorded(3);
        Cli.Result push = drover("state", "push", file("s.json", state).toString());
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.out()).contains("as serial 3");

        assertThat(pulled()).isEqualTo(state);
    }

    @Test
    void pulledEditedAndPushedBackIsTheNextSerialButAStaleCopyNeedsForce() throws Exception {
        State original = recorded(3);
        drover("state", "push", file("s.json", original).toString());
        State edited = pulled().withOutputs(Map.of("url", "http://edited"));

        Cli.Result push = drover("state", "push", file("edited.json", edited).toString());
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(pulled().serial()).isEqualTo(4);
        assertThat(pulled().outputs()).containsEntry("url", "http://edited");

        Cli.Result stale = drover("state", "push", dir.resolve("s.json").toString());
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("serial 3, older than the stored serial 4").contains("--force").doesNotContain("\tat ");
        assertThat(pulled().outputs()).containsEntry("url", "http://edited");

        Cli.Result forced = drover("state", "push", "--force", dir.resolve("s.json").toString());
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(pulled().serial()).isEqualTo(5);
        assertThat(pulled().outputs()).containsEntry("url", "http://127.0.0.9");
    }

    @Test
    void aStateOfAnotherLineageOrHerdIsRefused() throws Exception {
        drover("state", "push", file("s.json", recorded(3)).toString());

        Cli.Result other = drover("state", "push", file("other.json", recorded(9)).toString());
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err()).contains("another lineage");
        State foreign = new State(1, UUID.randomUUID().toString(), 1, "elsewhere", List.of(), Map.of(), Map.of());
        Cli.Result herd = drover("state", "push", "--force", file("foreign.json", foreign).toString());
        assertThat(herd.exitCode()).isEqualTo(1);
        assertThat(herd.err()).contains("state of herd 'elsewhere'");
        assertThat(pulled().serial()).isEqualTo(3);
    }

    @Test
    void migrateToEtcdCopiesVerifiesAndSaysWhatToWriteThenTheHerdUsesEtcd() throws Exception {
        State state = recorded(7);
        drover("state", "push", file("s.json", state).toString());
        String prefix = "/migrate/" + UUID.randomUUID().toString().substring(0, 8);

        Cli.Result migrate = drover("state", "migrate", "--to", "etcd", "--endpoints", etcd.endpoint(), "--prefix", prefix);
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        assertThat(migrate.out()).contains("verified").contains("state:\n  backend: etcd\n  endpoints: [" + etcd.endpoint() + "]\n  prefix: " + prefix);

        Files.writeString(herdFile, HERD + "state:\n  backend: etcd\n  endpoints: [" + etcd.endpoint() + "]\n  prefix: " + prefix + "\n");
        assertThat(pulled()).isEqualTo(state);
        JsonNode show = Json.MAPPER.readTree(drover("show", "--json").out());
        assertThat(show.get("lineage").asString()).isEqualTo(state.lineage());

        // and back: the file still holds the same state, so the copy is already there
        Cli.Result back = drover("state", "migrate", "--to", "file");
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(back.out()).contains("state:\n  backend: file\n");
    }

    /**
     * Removing state.encryption from the herd file cannot decrypt the state: the refusal names the way out, and
     * 'state migrate --decrypt' (made with the block still in) rewrites it in place unencrypted, on either backend.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "etcd"})
    void encryptionIsTurnedOffByMigrateDecryptWhichTheRefusalWithoutTheBlockNames(String backend) throws Exception {
        Files.writeString(dir.resolve("state.key"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        String where = backend.equals("file") ? "" : "  backend: etcd\n  endpoints: [" + etcd.endpoint() + "]\n  prefix: /decrypt/"
                + UUID.randomUUID().toString().substring(0, 8) + "\n";
        String encrypted = HERD + "state:\n" + where + "  encryption:\n    keyFile: state.key\n";
        String plain = HERD + (where.isEmpty() ? "" : "state:\n" + where);
        Files.writeString(herdFile, encrypted);
        State state = recorded(3);
        Cli.Result push = drover("state", "push", file("s.json", state).toString());
        assertThat(push.exitCode()).as(push.toString()).isZero();

        Files.writeString(herdFile, plain);
        for (Cli.Result refused : List.of(drover("state", "pull"), drover("state", "push", "--force", dir.resolve("s.json").toString()))) {
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("is encrypted, but the herd file has no state.encryption")
                    .contains("'drover state migrate --to BACKEND --decrypt'").doesNotContain("\tat ");
        }
        Cli.Result withoutKey = drover("state", "migrate", "--to", backend, "--decrypt");
        assertThat(withoutKey.exitCode()).isEqualTo(2);
        assertThat(withoutKey.err()).contains("put the encryption block back");

        Files.writeString(herdFile, encrypted);
        Cli.Result decrypt = drover("state", "migrate", "--to", backend, "--decrypt");
        assertThat(decrypt.exitCode()).as(decrypt.toString()).isZero();
        assertThat(decrypt.out()).contains("rewritten in place as serial 4, unencrypted, and verified")
                .contains("Now remove the encryption block");

        Files.writeString(herdFile, plain);
        State pulled = pulled();
        assertThat(pulled.lineage()).isEqualTo(state.lineage());
        assertThat(pulled.servers()).isEqualTo(state.servers());
        assertThat(pulled.serial()).isEqualTo(4);
        if (backend.equals("file")) {
            assertThat(Files.readString(dir.resolve(".drover/state.json"))).startsWith("{").contains("\"lineage\" : \"" + state.lineage());
        }
    }

    @Test
    void migrateRefusesToOverwriteAnotherStateAtTheDestination() throws Exception {
        String prefix = "/occupied/" + UUID.randomUUID().toString().substring(0, 8);
        StateSettings there = StateSettings.defaults(SourcePosition.unknown(herdFile)).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(etcd.endpoint()))).withPrefix(prefix);
        try (StateStore store = StateStores.open("moving", dir.resolve("x"), there, new StateCodec())) {
            store.write(recorded(2), io.drover.state.StateVersion.NONE);
        }
        drover("state", "push", file("s.json", recorded(7)).toString());

        Cli.Result migrate = drover("state", "migrate", "--to", "etcd", "--endpoints", etcd.endpoint(), "--prefix", prefix);
        assertThat(migrate.exitCode()).isEqualTo(1);
        assertThat(migrate.err()).contains("already holds a state (serial 2, another lineage)").contains("--force");
    }

    @Test
    void forceUnlockBreaksAStuckEtcdLockByItsIdOnly() throws Exception {
        String prefix = "/stuck/" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(herdFile, HERD + "state:\n  backend: etcd\n  endpoints: [" + etcd.endpoint() + "]\n  prefix: " + prefix + "\n");
        StateSettings s = StateSettings.defaults(SourcePosition.unknown(herdFile)).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(etcd.endpoint()))).withPrefix(prefix);
        try (StateStore stuck = StateStores.open("moving", dir, s, new StateCodec())) {
            StateLock held = stuck.lock("apply");
            String id = stuck.lockHolder().orElseThrow().id();

            Cli.Result apply = drover("apply", "--auto-approve", "--lock-timeout", "0");
            assertThat(apply.exitCode()).isEqualTo(1);
            assertThat(apply.err()).contains("locked by 'drover apply'").contains("pid " + ProcessHandle.current().pid())
                    .contains("force-unlock " + id);

            Cli.Result wrong = drover("force-unlock", "0000");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.err()).contains("not lock ID 0000");

            Cli.Result unlock = drover("force-unlock", id);
            assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
            assertThat(stuck.lockHolder()).isEmpty();
            held.close();
        }
    }
}
