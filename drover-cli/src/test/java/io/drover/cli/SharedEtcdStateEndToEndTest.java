package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.state.LockInfo;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * The "done when", tried as two team members would: two checkouts of one herd file in two directories,
 * the state in one etcd (started by the test), encrypted with a passphrase. One {@code drover apply} waits for
 * the other, naming it; after {@code kill -9} of the holder it goes on by itself within the lock TTL. Neither
 * the etcd value nor the local files hold the CA key, the lineage or a server name in clear; a wrong passphrase
 * is a clear error that changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedEtcdStateEndToEndTest {
    private static final String ADDRESSES = "127.0.110.0/24";
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final String PREFIX = "/team/shared";
    private static final String PASSPHRASE = "twelve monkeys on a tandem bicycle";
    private static final Duration RUN = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private EtcdServer etcd;
    private Client raw;
    private Path alice;
    private Path bob;
    private Map<String, String> env;

    @BeforeAll
    void setUp() throws Exception {
        etcd = EtcdServer.start(dir.resolve("state-etcd"));
        raw = Client.builder().endpoints(etcd.endpoint()).build();
        // A kv cluster puts a CA key into the state; 'slow' keeps the first apply busy long enough to be killed.
        String herd = """
                herd: shared
                provider:
                  type: local
                  addresses: %s
                  root: %s
                clusters:
                  kv:
                    size: 1
                    role: etcd
                    image: host
                  slow:
                    size: 1
                    image: host
                    health: {type: http, port: 8080, startTimeout: 60s}
                    firstBoot:
                      systemd:
                        units:
                          - name: web.service
                            enabled: true
                            contents: |
                              [Service]
                              ExecStart=/bin/sh -c 'sleep 10; exec /usr/bin/python3 -m http.server 8080 --bind ${server.ip}'
                              [Install]
                              WantedBy=multi-user.target
                state:
                  backend: etcd
                  endpoints: [%s]
                  prefix: %s
                  lockTtl: %ds
                  encryption:
                    passphraseEnv: SHARED_STATE_PASSPHRASE
                    iterations: 210000
                """.formatted(ADDRESSES, dir.resolve("cloud"), etcd.endpoint(), PREFIX, TTL.toSeconds());
        alice = Files.createDirectories(dir.resolve("alice"));
        bob = Files.createDirectories(dir.resolve("bob"));
        Files.writeString(alice.resolve("drover.yaml"), herd);
        Files.writeString(bob.resolve("drover.yaml"), herd);
        env = new HashMap<>(System.getenv());
        env.put("SHARED_STATE_PASSPHRASE", PASSPHRASE);
    }

    @AfterAll
    void tearDown() {
        try {
            Cli.Result r = new DroverProcess(bob, env).run(RUN, "destroy", "--auto-approve", "--lock-timeout", "30s");
            assertThat(r.exitCode()).as(r.toString()).isZero();
        } finally {
            raw.close();
            etcd.close();
        }
    }

    private StateSettings settings() {
        return StateSettings.defaults(SourcePosition.unknown(dir)).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(etcd.endpoint()))).withPrefix(PREFIX).withLockTtl(TTL)
                .withEncryption(new StateSettings.Encryption(new StateSettings.Passphrase("SHARED_STATE_PASSPHRASE", 210_000), null));
    }

    /** The state as drover reads it (decrypted). */
    private State state() throws Exception {
        try (StateStore store = StateStores.open("shared", dir, settings(),
                StateStores.codec("shared", settings(), Map.of("SHARED_STATE_PASSPHRASE", PASSPHRASE), false))) {
            return store.read().orElseThrow();
        }
    }

    private Optional<LockInfo> lockHolder() throws Exception {
        try (StateStore store = StateStores.open("shared", dir, settings().withEncryption(null), new StateCodec())) {
            return store.lockHolder();
        }
    }

    /** Every key and value under the herd's prefix, as etcd holds them. */
    private String rawEtcd() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (KeyValue kv : raw.getKVClient().get(ByteSequence.from(PREFIX + "/", StandardCharsets.UTF_8),
                GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
            all.writeBytes(kv.getKey().getBytes());
            all.writeBytes(kv.getValue().getBytes());
            all.writeBytes(Long.toString(kv.getModRevision()).getBytes(StandardCharsets.UTF_8));
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    @Order(1)
    void secondApplyWaitsNamingTheHolderAndGoesOnByItselfAfterTheHolderIsKilled() throws Exception {
        // Both at once: whichever takes the lock first holds it while its servers start; the other must wait.
        DroverProcess alices = new DroverProcess(alice, env);
        DroverProcess bobs = new DroverProcess(bob, env);
        Process a = alices.start("apply", "--auto-approve", "--lock-timeout", "2m");
        Process b = bobs.start("apply", "--auto-approve", "--lock-timeout", "2m");
        await().atMost(RUN).until(() -> alices.output().contains("waiting for the state lock") || bobs.output().contains("waiting for the state lock"));
        boolean bobWaits = bobs.output().contains("waiting for the state lock");
        Process holder = bobWaits ? a : b;
        Process waiter = bobWaits ? b : a;
        DroverProcess waiting = bobWaits ? bobs : alices;
        assertThat(waiting.output()).contains("held by 'drover apply'").contains("(pid " + holder.pid() + ")");
        assertThat(lockHolder().map(LockInfo::pid)).contains(holder.pid());
        assertThat(holder.isAlive()).as("the holder is still applying when killed").isTrue();

        holder.destroyForcibly(); // SIGKILL: no release, no cleanup
        long killed = System.nanoTime();
        await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> lockHolder().map(LockInfo::pid).orElse(-1L) == waiter.pid());
        double takeover = (System.nanoTime() - killed) / 1e9;
        System.out.printf("the waiting apply took the lock %.2f s after kill -9 of the holder (TTL %d s)%n", takeover, TTL.toSeconds());

        assertThat(waiter.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.exitValue()).as(waiting.output()).isZero();
        assertThat(waiting.output()).contains("Apply complete!");
        assertThat(state().servers()).extracting(ServerRecord::cluster).containsExactlyInAnyOrder("kv", "slow");
    }

    @Test
    @Order(2)
    void nothingSecretIsInClearInEtcdNorIsAnyStateFileWrittenLocally() throws Exception {
        State state = state();
        assertThat(state.secrets().values()).anyMatch(v -> v.contains("PRIVATE KEY"));
        String stored = rawEtcd();

        assertThat(stored).doesNotContain("PRIVATE KEY").doesNotContain(state.lineage());
        for (ServerRecord s : state.servers()) {
            assertThat(stored).doesNotContain(s.name()).doesNotContain(s.instanceId());
        }
        for (Path checkout : List.of(alice, bob)) {
            assertThat(checkout.resolve(".drover/state.json")).doesNotExist();
            assertThat(checkout.resolve(".drover/state.json.backup")).doesNotExist();
        }
        Cli.Result plan = new DroverProcess(bob, env).run(RUN, "plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
    }

    @Test
    @Order(3)
    void aWrongPassphraseIsAClearErrorAndChangesNothing() throws Exception {
        String before = rawEtcd();
        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("SHARED_STATE_PASSPHRASE", "not the passphrase of this herd");

        Cli.Result apply = new DroverProcess(bob, wrong).run(RUN, "apply", "--auto-approve");

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.out()).contains("cannot decrypt the state at etcd").contains("$SHARED_STATE_PASSPHRASE")
                .contains("Nothing was changed").doesNotContain("\tat ");
        assertThat(rawEtcd()).isEqualTo(before);
        assertThat(lockHolder()).isEmpty();
    }

    @Test
    @Order(4)
    void migratedToAFileTheStateStaysEncryptedAndAWrongPassphraseChangesNothingThereEither() throws Exception {
        State state = state();
        Cli.Result migrate = new DroverProcess(bob, env).run(RUN, "state", "migrate", "--to", "file");
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();

        Path file = bob.resolve(".drover/state.json");
        String text = Files.readString(file);
        assertThat(text).contains("drover_encrypted_state").doesNotContain("PRIVATE KEY").doesNotContain(state.lineage());
        for (ServerRecord s : state.servers()) {
            assertThat(text).doesNotContain(s.name());
        }
        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("SHARED_STATE_PASSPHRASE", "not the passphrase of this herd");
        wrong.put(StateStores.BACKEND, "file");
        Cli.Result plan = new DroverProcess(bob, wrong).run(RUN, "plan");
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.out()).contains("cannot decrypt the state at " + file);
        assertThat(Files.readString(file)).isEqualTo(text);
        Files.delete(file); // the etcd copy stays the herd's state
    }
}
