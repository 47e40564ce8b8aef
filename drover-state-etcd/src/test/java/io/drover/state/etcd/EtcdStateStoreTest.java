package io.drover.state.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.render.pki.CertificateAuthority;
import io.drover.render.pki.IssuedCertificate;
import io.drover.render.pki.Usage;
import io.drover.state.LockLostException;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.state.StateVersion;
import io.drover.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the etcd store does: chunks, fencing a holder that lost its lease, TLS. */
class EtcdStateStoreTest {
    @TempDir
    static Path dir;

    static EtcdServer etcd;
    static Client raw;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start(dir.resolve("plain"));
        raw = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterAll
    static void stopEtcd() {
        raw.close();
        etcd.close();
    }

    private static StateSettings settings(String endpoint, String prefix) {
        return StateSettings.defaults(SourcePosition.unknown(dir.resolve("drover.yaml"))).withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(endpoint))).withPrefix(prefix).withLockTtl(Duration.ofSeconds(3));
    }

    private static StateStore open(StateSettings s) throws StateException {
        return StateStores.open("h", dir, s, new StateCodec());
    }

    private static List<KeyValue> keys(String prefix) throws Exception {
        return raw.getKVClient().get(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8), GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS).getKvs();
    }

    private static State big(int servers) {
        List<ServerRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < servers; i++) {
            records.add(new ServerRecord("web[" + i + "]", "web", i, 1, "web-" + i + "-1", "id-" + i, "10.0." + (i >> 8 & 255) + "." + (i & 255),
                    "sha256:" + "d".repeat(64), "sha256:" + "i".repeat(64), Instant.parse("2026-01-01T00:00:00Z"), false, Map.of()));
        }
        return new State(State.FORMAT_VERSION, UUID.randomUUID().toString(), 1, "h", records, Map.of(), Map.of());
    }

    @Test
    void aStateOverTheRequestLimitIsSplitIntoChunksUnderItAndOldChunksGo() throws Exception {
        String prefix = "/chunks/" + UUID.randomUUID();
        try (StateStore store = open(settings(etcd.endpoint(), prefix))) {
            State first = big(5000);
            store.write(first, StateVersion.NONE);
            List<KeyValue> stored = keys(prefix);
            assertThat(stored.size()).isGreaterThan(2);
            assertThat(stored).allSatisfy(kv -> assertThat(kv.getValue().getBytes().length).isLessThanOrEqualTo(EtcdStateStore.CHUNK));

            State second = first.without("web-7-1").nextSerial();
            store.write(second, StateVersion.of(first));
            State small = State.empty("h").nextSerial();
            try (StateStore other = open(settings(etcd.endpoint(), prefix))) {
                assertThat(other.read()).contains(second);
                other.write(small.nextSerial(), StateVersion.of(second));
            }
            assertThat(keys(prefix)).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).containsExactly(prefix + "/state");
        }
    }

    @Test
    void chunksOfAWriterKilledBeforeItsSwapAreSweptByTheNextLargeWrite() throws Exception {
        String prefix = "/orphans/" + UUID.randomUUID();
        raw.getKVClient().put(ByteSequence.from(prefix + "/chunks/deadbeef/0000", StandardCharsets.UTF_8),
                ByteSequence.from("left by a killed writer", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        try (StateStore store = open(settings(etcd.endpoint(), prefix))) {
            State first = big(5000);
            store.write(first, StateVersion.NONE);
            store.write(first.nextSerial(), StateVersion.of(first));
        }
        assertThat(keys(prefix)).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
                .noneMatch(k -> k.contains("deadbeef"));
    }

    @Test
    void aHolderWhoseLockWasBrokenCannotWriteOverTheNextHolder() throws Exception {
        String prefix = "/fence/" + UUID.randomUUID();
        try (StateStore slow = open(settings(etcd.endpoint(), prefix)); StateStore next = open(settings(etcd.endpoint(), prefix))) {
            State base = State.empty("h").nextSerial();
            slow.write(base, StateVersion.NONE);
            StateLock held = slow.lock("apply");
            String id = slow.lockHolder().orElseThrow().id();

            next.forceUnlock(id);
            try (StateLock mine = next.lock("apply")) {
                assertThatThrownBy(() -> slow.write(base.nextSerial(), StateVersion.of(base)))
                        .isInstanceOf(LockLostException.class)
                        .hasMessageContaining("lost the state lock");
                next.write(base.withOutputs(Map.of("by", "next")).nextSerial(), StateVersion.of(base));
            }
            held.close(); // releasing a lost lock is quiet and does not touch the next holder's
            assertThat(next.read().orElseThrow().outputs()).containsEntry("by", "next");
        }
    }

    @Test
    void anOlderStatePutBackInEtcdIsRefusedByACheckoutThatSawANewerOne() throws Exception {
        String prefix = "/rollback/" + UUID.randomUUID();
        Path checkout = Files.createDirectories(dir.resolve("rollback-checkout"));
        ByteSequence head = ByteSequence.from(prefix + "/state", StandardCharsets.UTF_8);
        try (StateStore store = StateStores.open("h", checkout, settings(etcd.endpoint(), prefix), new StateCodec())) {
            State first = State.empty("h").nextSerial();
            store.write(first, StateVersion.NONE);
            ByteSequence old = raw.getKVClient().get(head).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue();
            State second = first.withOutputs(Map.of("v", "2")).nextSerial();
            store.write(second, StateVersion.of(first));

            raw.getKVClient().put(head, old).get(10, TimeUnit.SECONDS); // someone puts serial 1 back

            assertThatThrownBy(store::read)
                    .isInstanceOf(io.drover.state.StateRollbackException.class)
                    .hasMessageContaining("serial 1, but this checkout has already seen serial 2")
                    .hasMessageContaining("state push --force");
            // A restore done the documented way is a newer serial, and accepted.
            try (StateStore elsewhere = StateStores.open("h", dir.resolve("another-checkout"), settings(etcd.endpoint(), prefix), new StateCodec())) {
                State restored = elsewhere.read().orElseThrow();
                elsewhere.write(new State(1, restored.lineage(), 3, "h", restored.servers(), restored.outputs(), Map.of()), StateVersion.of(restored));
            }
            assertThat(store.read().orElseThrow().serial()).isEqualTo(3);
        }
    }

    @Test
    void mutualTlsWithClientFilesWorksAndAMissingFileIsNamed() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("state-ca", Duration.ofDays(1));
        IssuedCertificate server = ca.issue("etcd", List.of("localhost"), List.of("127.0.0.1"), Set.of(Usage.SERVER), Duration.ofDays(1));
        IssuedCertificate client = ca.issue("drover", List.of(), List.of(), Set.of(Usage.CLIENT), Duration.ofDays(1));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path caFile = Files.writeString(tls.resolve("ca.crt"), ca.certificatePem());
        Path serverCert = Files.writeString(tls.resolve("server.crt"), server.certificatePem());
        Path serverKey = Files.writeString(tls.resolve("server.key"), server.privateKeyPem());
        Path clientCert = Files.writeString(tls.resolve("client.crt"), client.certificatePem());
        Path clientKey = Files.writeString(tls.resolve("client.key"), client.privateKeyPem());

        try (EtcdServer secure = EtcdServer.start(dir.resolve("tls-etcd"), "127.0.0.1", new EtcdServer.Tls(serverCert, serverKey, caFile))) {
            StateSettings s = settings(secure.endpoint(), "/tls").withTls(new StateSettings.Tls(caFile, clientCert, clientKey));
            try (StateStore store = open(s)) {
                State state = State.empty("h").nextSerial();
                store.write(state, StateVersion.NONE);
                try (StateLock lock = store.lock("apply")) {
                    assertThat(store.read()).contains(state);
                }
            }
        }
        assertThatThrownBy(() -> open(settings("https://127.0.0.1:1", "/x").withTls(new StateSettings.Tls(tls.resolve("nope.crt"), null, null))))
                .isInstanceOf(StateException.class).hasMessageContaining("nope.crt");
    }
}
