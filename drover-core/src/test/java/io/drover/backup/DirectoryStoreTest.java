package io.drover.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest extends SnapshotStoreContract {
    @TempDir
    Path dir;
    private int made;

    @Override
    protected SnapshotStore store() {
        return new DirectoryStore(dir.resolve("store-" + made++).resolve("herd").resolve("etcd"));
    }

    @Override
    protected void damage(SnapshotStore store, String name) throws Exception {
        Path file = ((DirectoryStore) store).directory().resolve(name);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
    }

    /** A file where the directory should be: refused even to root, which a read-only mode is not. */
    @Override
    protected SnapshotStore unwritable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        return new DirectoryStore(file.resolve("etcd"));
    }
}
