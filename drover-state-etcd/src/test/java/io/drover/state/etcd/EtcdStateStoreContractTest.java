package io.drover.state.etcd;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import io.drover.state.StateStoreContract;
import io.drover.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The state-store contract against a real etcd (Debian's, started for this class), each test under a prefix of its own. */
class EtcdStateStoreContractTest extends StateStoreContract {
    /** Short, so that the kill -9 test waits little; the default is 15 s. */
    static final Duration TTL = Duration.ofSeconds(3);

    @TempDir
    static Path etcdDir;

    static EtcdServer etcd;
    static Client raw;

    private String prefix;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start(etcdDir);
        raw = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterAll
    static void stopEtcd() {
        raw.close();
        etcd.close();
    }

    @BeforeEach
    void ownPrefix() {
        prefix = "/contract/" + UUID.randomUUID();
    }

    @Override
    protected StateSettings settings() {
        return StateSettings.defaults(SourcePosition.unknown(place.resolve("drover.yaml")))
                .withBackend(StateSettings.Backend.ETCD)
                .withEndpoints(List.of(URI.create(etcd.endpoint())))
                .withPrefix(prefix)
                .withLockTtl(TTL);
    }

    @Override
    protected byte[] rawStored() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (KeyValue kv : raw.getKVClient().get(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8),
                GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
            all.writeBytes(kv.getKey().getBytes());
            all.writeBytes(kv.getValue().getBytes());
        }
        return all.toByteArray();
    }

    @Override
    protected Duration lockOutlivesKilledHolderBy() {
        return TTL;
    }
}
