package io.drover.backup;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads and writes a whole etcd key space through its client API: replays deltas, copies every key from one cluster to
 * another, and digests the keys and values so two clusters can be compared.
 */
public final class KeySpace {
    /** etcd's default {@code --max-txn-ops}. */
    private static final int MAX_OPS = 128;
    /** Below etcd's default 1.5 MiB request limit, with room for the keys and framing. */
    private static final int MAX_BYTES = 1024 * 1024;
    private static final int PAGE = 1000;
    private static final long TIMEOUT_SECONDS = 30;

    private KeySpace() {}

    /** What a key space holds: how many keys, and a SHA-256 of every key and value in key order. */
    public record Digest(long keys, String sha256) {}

    /** Applies deltas in revision order (each transaction holding whole revisions where etcd's limits allow). */
    public static long replay(Client target, List<Delta> deltas) throws BackupException, InterruptedException {
        List<Op> ops = new ArrayList<>();
        // etcd refuses a transaction that changes one key twice: a key changed again starts the next one
        java.util.Set<java.nio.ByteBuffer> keys = new java.util.HashSet<>();
        int bytes = 0;
        long applied = 0;
        KV kv = target.getKVClient();
        for (Delta d : deltas) {
            for (Delta.Change c : d.changes()) {
                int size = c.key().length + (c.delete() ? 0 : c.value().length);
                if (ops.size() == MAX_OPS || (!ops.isEmpty() && bytes + size > MAX_BYTES) || keys.contains(java.nio.ByteBuffer.wrap(c.key()))) {
                    commit(kv, ops);
                    ops.clear();
                    keys.clear();
                    bytes = 0;
                }
                keys.add(java.nio.ByteBuffer.wrap(c.key()));
                ByteSequence key = ByteSequence.from(c.key());
                ops.add(c.delete() ? Op.delete(key, DeleteOption.DEFAULT) : Op.put(key, ByteSequence.from(c.value()), PutOption.DEFAULT));
                bytes += size;
                applied++;
            }
        }
        if (!ops.isEmpty()) {
            commit(kv, ops);
        }
        return applied;
    }

    /** Copies every key of {@code source} to {@code target} (values only: leases and revisions stay behind). */
    public static long copy(Client source, Client target) throws BackupException, InterruptedException {
        KV from = source.getKVClient();
        KV to = target.getKVClient();
        ByteSequence start = EtcdClients.ALL;
        long copied = 0;
        long revision = 0;
        while (true) {
            GetOption.Builder o = GetOption.builder().withRange(EtcdClients.ALL).withLimit(PAGE);
            if (revision > 0) {
                o.withRevision(revision); // every page from one revision: a consistent copy
            }
            GetResponse page = call(from.get(start, o.build()), "read the snapshot's keys");
            revision = page.getHeader().getRevision();
            List<Op> ops = new ArrayList<>();
            int bytes = 0;
            for (KeyValue k : page.getKvs()) {
                int size = k.getKey().size() + k.getValue().size();
                if (ops.size() == MAX_OPS || (!ops.isEmpty() && bytes + size > MAX_BYTES)) {
                    commit(to, ops);
                    ops.clear();
                    bytes = 0;
                }
                ops.add(Op.put(k.getKey(), k.getValue(), PutOption.DEFAULT));
                bytes += size;
                copied++;
            }
            if (!ops.isEmpty()) {
                commit(to, ops);
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return copied;
            }
            start = next(page.getKvs().getLast().getKey());
        }
    }

    /** The digest of every key and value, read page by page at one revision. */
    public static Digest digest(Client client) throws BackupException, InterruptedException {
        MessageDigest sha = sha256();
        KV kv = client.getKVClient();
        ByteSequence start = EtcdClients.ALL;
        long keys = 0;
        long revision = 0;
        while (true) {
            GetOption.Builder o = GetOption.builder().withRange(EtcdClients.ALL).withLimit(PAGE);
            if (revision > 0) {
                o.withRevision(revision);
            }
            GetResponse page = call(kv.get(start, o.build()), "read the keys");
            revision = page.getHeader().getRevision();
            for (KeyValue k : page.getKvs()) {
                update(sha, k.getKey().getBytes());
                update(sha, k.getValue().getBytes());
                keys++;
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return new Digest(keys, HexFormat.of().formatHex(sha.digest()));
            }
            start = next(page.getKvs().getLast().getKey());
        }
    }

    /** The smallest key after {@code key}. */
    private static ByteSequence next(ByteSequence key) {
        byte[] b = key.getBytes();
        byte[] n = java.util.Arrays.copyOf(b, b.length + 1);
        return ByteSequence.from(n);
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static void commit(KV kv, List<Op> ops) throws BackupException, InterruptedException {
        call(kv.txn().Then(ops.toArray(Op[]::new)).commit(), "write the restored keys");
    }

    private static <T> T call(java.util.concurrent.CompletableFuture<T> f, String what) throws BackupException, InterruptedException {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new BackupException.Incomplete("cannot " + what + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
