package io.drover.backup;

import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateKeyException;
import java.util.List;

/**
 * A store whose objects are encrypted with the state's key (AES-256-GCM, the envelope of an encrypted state, bound to
 * the herd and the object's name), for a herd whose state is encrypted: a backup holds the same secrets as the cluster.
 * The checksums of the store underneath cover the envelopes.
 */
public final class SealedStore implements SnapshotStore {
    private final SnapshotStore inner;
    private final StateCodec codec;

    public SealedStore(SnapshotStore inner, StateCodec codec) {
        this.inner = inner;
        this.codec = codec;
    }

    @Override
    public void put(String name, byte[] bytes) throws BackupException {
        try {
            inner.put(name, codec.sealBytes(bytes, name));
        } catch (StateException e) {
            throw new BackupException.NotWritable("cannot encrypt " + name + " with the state's key: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(String name) throws BackupException {
        byte[] sealed = inner.get(name);
        try {
            return codec.openBytes(sealed, name, inner.describe() + "/" + name);
        } catch (StateKeyException e) {
            throw new BackupException.Damaged(e.getMessage() + " (or it was sealed with another key)");
        } catch (StateException e) {
            throw new BackupException.Damaged(inner.describe() + "/" + name + " cannot be decrypted with the state's key: " + e.getMessage());
        }
    }

    @Override
    public List<Entry> list() throws BackupException {
        return inner.list();
    }

    @Override
    public void delete(String name) throws BackupException {
        inner.delete(name);
    }

    @Override
    public String describe() {
        return inner.describe();
    }
}
