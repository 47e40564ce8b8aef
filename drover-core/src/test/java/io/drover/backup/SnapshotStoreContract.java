package io.drover.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link SnapshotStore} does; each store's test extends this and says how to make and damage one. */
public abstract class SnapshotStoreContract {

    /** An empty store. */
    protected abstract SnapshotStore store() throws Exception;

    /** Changes one byte of a stored object behind the store's back, as a bad disk or a careless hand would. */
    protected abstract void damage(SnapshotStore store, String name) throws Exception;

    /** A store that cannot take objects. */
    protected abstract SnapshotStore unwritable() throws Exception;

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void givesBackExactlyTheBytesPutUnderAName() throws Exception {
        SnapshotStore store = store();
        byte[] big = bytes(3 * 1024 * 1024 + 7, 1);

        store.put("full-1.db", big);
        store.put("empty", new byte[0]);

        assertThat(store.get("full-1.db")).isEqualTo(big);
        assertThat(store.get("empty")).isEmpty();
    }

    @Test
    void listsEveryObjectByNameWithItsSize() throws Exception {
        SnapshotStore store = store();
        store.put("b", bytes(10, 2));
        store.put("a", bytes(3, 3));
        store.put("c.json", "{}".getBytes(StandardCharsets.UTF_8));

        // Sizes are what the store holds: at least the object's (an encrypting store adds its envelope).
        assertThat(store.list()).extracting(SnapshotStore.Entry::name).containsExactly("a", "b", "c.json");
        assertThat(store.list()).extracting(SnapshotStore.Entry::size).satisfiesExactly(
                a -> assertThat(a).isGreaterThanOrEqualTo(3), b -> assertThat(b).isGreaterThanOrEqualTo(10), c -> assertThat(c).isGreaterThanOrEqualTo(2));
    }

    @Test
    void aSecondPutReplacesTheObject() throws Exception {
        SnapshotStore store = store();
        store.put("x", bytes(100, 4));
        store.put("x", bytes(5, 5));

        assertThat(store.get("x")).isEqualTo(bytes(5, 5));
        assertThat(store.list()).extracting(SnapshotStore.Entry::name).containsExactly("x");
    }

    @Test
    void deletedObjectsAreGoneAndDeletingTwiceIsFine() throws Exception {
        SnapshotStore store = store();
        store.put("x", bytes(10, 6));
        store.put("y", bytes(10, 7));

        store.delete("x");
        store.delete("x");

        assertThat(store.list()).extracting(SnapshotStore.Entry::name).containsExactly("y");
        assertThatThrownBy(() -> store.get("x")).isInstanceOf(BackupException.Missing.class);
    }

    @Test
    void anObjectChangedBehindTheStoresBackIsReportedDamaged() throws Exception {
        SnapshotStore store = store();
        store.put("full-9.db", bytes(4096, 8));

        damage(store, "full-9.db");

        assertThatThrownBy(() -> store.get("full-9.db")).isInstanceOf(BackupException.Damaged.class)
                .hasMessageContaining("full-9.db");
    }

    @Test
    void aStoreThatCannotBeWrittenSaysSoWithAType() throws Exception {
        SnapshotStore store = unwritable();

        assertThatThrownBy(() -> store.put("x", bytes(1, 9))).isInstanceOf(BackupException.NotWritable.class)
                .hasMessageContaining(store.describe());
    }

    @Test
    void anEmptyStoreListsNothing() throws Exception {
        assertThat(store().list()).isEmpty();
    }
}
