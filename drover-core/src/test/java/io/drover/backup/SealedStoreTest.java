package io.drover.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.StateSettings;
import io.drover.state.StateCipher;
import io.drover.state.StateCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store under the state's key: the same contract, and nothing readable on disk or under another name. */
class SealedStoreTest extends SnapshotStoreContract {
    @TempDir
    Path dir;
    private int made;

    private static StateCodec codec(byte fill) throws Exception {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, fill);
        return new StateCodec("shop", StateCipher.resolve(new StateSettings.Encryption(new StateSettings.KeyEnv("K"), null),
                Map.of("K", Base64.getEncoder().encodeToString(key))), false);
    }

    private Path directory() {
        return dir.resolve("store-" + made++);
    }

    @Override
    protected SnapshotStore store() throws Exception {
        return new SealedStore(new DirectoryStore(directory()), codec((byte) 1));
    }

    @Override
    protected void damage(SnapshotStore store, String name) throws Exception {
        Path file = Path.of(store.describe()).resolve(name);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
    }

    @Override
    protected SnapshotStore unwritable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        return new SealedStore(new DirectoryStore(file.resolve("etcd")), codec((byte) 1));
    }

    @Test
    void whatIsOnDiskIsNotThePlaintextAndAnotherKeyCannotReadIt() throws Exception {
        Path where = directory();
        new SealedStore(new DirectoryStore(where), codec((byte) 1)).put("full-1.db", "secret value".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(where.resolve("full-1.db"))).doesNotContain("secret value");
        assertThatThrownBy(() -> new SealedStore(new DirectoryStore(where), codec((byte) 2)).get("full-1.db"))
                .isInstanceOf(BackupException.Damaged.class);
    }

    @Test
    void anObjectCopiedUnderAnotherNameIsRefused() throws Exception {
        Path where = directory();
        SealedStore store = new SealedStore(new DirectoryStore(where), codec((byte) 1));
        store.put("delta-a.json", "{}".getBytes(StandardCharsets.UTF_8));
        Files.copy(where.resolve("delta-a.json"), where.resolve("delta-b.json"));
        Files.copy(where.resolve("delta-a.json.sha256"), where.resolve("delta-b.json.sha256"));

        assertThatThrownBy(() -> store.get("delta-b.json")).isInstanceOf(BackupException.Damaged.class);
    }
}
