package io.drover.backup;

import java.util.List;

/**
 * Where snapshot objects go: a flat namespace of named byte arrays, each written whole (a reader never sees half of
 * one) with a checksum that {@link #get} verifies. Every store runs {@code SnapshotStoreContract}.
 */
public interface SnapshotStore {

    /** Writes (or replaces) an object, whole, with its checksum. */
    void put(String name, byte[] bytes) throws BackupException;

    /**
     * An object's bytes, checked against the checksum written with them.
     *
     * @throws BackupException.Missing when there is no such object
     * @throws BackupException.Damaged when its bytes are not what was written
     */
    byte[] get(String name) throws BackupException;

    /** Every object, by name in ascending order. */
    List<Entry> list() throws BackupException;

    /** Deletes an object; deleting one that is not there is not an error. */
    void delete(String name) throws BackupException;

    /** Where the store is, for messages. */
    String describe();

    /** A stored object: its name and size in bytes. */
    record Entry(String name, long size) {}
}
