package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.config.StateSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state block with the DROVER_STATE_* variables of CI runners over it, and which store comes out. */
class StateStoresTest {
    @TempDir
    Path dir;

    /** A provider the loader only checks settings against. */
    private static final io.drover.spi.ProviderFactory LOCAL = new io.drover.spi.ProviderFactory() {
        public String type() {
            return "local";
        }

        public String description() {
            return "fake";
        }

        public List<io.drover.spi.Setting> settings() {
            return List.of();
        }

        public io.drover.spi.Provider open(io.drover.spi.ProviderContext context) {
            throw new UnsupportedOperationException();
        }
    };

    private Herd herd(String state) throws Exception {
        return new HerdLoader(List.of(LOCAL))
                .parse("herd: ci\nprovider: {type: local}\nclusters:\n  app: {size: 1, image: host}\n" + state, dir.resolve("drover.yaml"));
    }

    @Test
    void environmentVariablesOverrideTheHerdFile() throws Exception {
        StateSettings s = StateStores.effective(herd(""), Map.of(
                StateStores.BACKEND, "etcd",
                StateStores.ENDPOINTS, "https://10.0.0.5:2379, https://10.0.0.6:2379",
                StateStores.PREFIX, "/ci/herd",
                StateStores.LOCK_TTL, "20s",
                StateStores.TLS_CA, "/etc/ssl/etcd-ca.pem"));

        assertThat(s.backend()).isEqualTo(StateSettings.Backend.ETCD);
        assertThat(s.endpoints()).extracting(Object::toString).containsExactly("https://10.0.0.5:2379", "https://10.0.0.6:2379");
        assertThat(s.prefixFor("ci")).isEqualTo("/ci/herd");
        assertThat(s.lockTtl()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.tls().ca()).isEqualTo(Path.of("/etc/ssl/etcd-ca.pem"));
    }

    @Test
    void badEnvironmentValuesAreNamedWithTheFix() {
        assertThatThrownBy(() -> StateStores.effective(herd(""), Map.of(StateStores.BACKEND, "s3")))
                .isInstanceOf(StateException.class).hasMessageContaining("$DROVER_STATE_BACKEND is 's3': use file or etcd");
        assertThatThrownBy(() -> StateStores.effective(herd(""), Map.of(StateStores.ENDPOINTS, "10.0.0.5:2379")))
                .isInstanceOf(StateException.class).hasMessageContaining("$DROVER_STATE_ENDPOINTS");
        assertThatThrownBy(() -> StateStores.effective(herd(""), Map.of(StateStores.LOCK_TTL, "1s")))
                .isInstanceOf(StateException.class).hasMessageContaining("from 2s to 1h");
    }

    @Test
    void fileBackendNeedsNoEtcdClassesAndEtcdWithoutEndpointsSaysWhereToPutThem() throws Exception {
        try (StateStore file = StateStores.open(herd(""), Map.of())) {
            assertThat(file).isInstanceOf(FileStateStore.class);
            assertThat(file.describe()).endsWith(".drover/state.json");
        }
        assertThatThrownBy(() -> StateStores.open(herd("state: {backend: etcd}\n"), Map.of()))
                .isInstanceOf(StateException.class).hasMessageContaining("no endpoints").hasMessageContaining("DROVER_STATE_ENDPOINTS");
        // drover-core alone has no etcd backend on its class path: a clear message, not a ServiceLoader error
        assertThatThrownBy(() -> StateStores.open(herd("state: {backend: etcd, endpoints: [http://127.0.0.1:2379]}\n"), Map.of()))
                .isInstanceOf(StateException.class).hasMessageContaining("drover-state-etcd");
    }

    @Test
    void encryptionKeysComeFromTheEnvironmentNamedInTheHerdFile() throws Exception {
        Herd h = herd("state:\n  encryption: {keyEnv: CI_STATE_KEY}\n");
        assertThatThrownBy(() -> StateStores.open(h, Map.of()))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("$CI_STATE_KEY, which is not set");
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(StateStores.codec(h, StateStores.effective(h, Map.of()), Map.of("CI_STATE_KEY", key), false).encrypts()).isTrue();
        assertThat(List.of(StateStores.effective(h, Map.of()).encryption().key())).containsExactly(new StateSettings.KeyEnv("CI_STATE_KEY"));
    }
}
