package io.drover.state.etcd;

import io.drover.spi.Timestamps;
import io.drover.state.DamagedStateException;
import io.drover.state.LockHeldException;
import io.drover.state.LockInfo;
import io.drover.state.LockLostException;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateConflictException;
import io.drover.state.StateException;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A herd's state in etcd, under a prefix {@code P}:
 *
 * <ul>
 *   <li>{@code P/state}: the encoded state (plain JSON or an encrypted envelope) when it fits in one chunk, else a
 *       small manifest naming its chunks. Every write is a transaction that compares the key's mod revision with
 *       the one the writer's version was read at (compare-and-swap), so a stale copy never overwrites a newer one.
 *   <li>{@code P/chunks/ID/NNNN}: a large state in 1 MiB pieces (etcd refuses requests over 1.5 MiB by default).
 *       They are written under a fresh ID before the transaction that points {@code P/state} at them, so a reader
 *       sees the old state or the new one, never a mix; the transaction also deletes the previous generation.
 *   <li>{@code P/lock}: who holds the lock (JSON), bound to a lease this process keeps alive. A killed holder's
 *       lease expires after the TTL and the key goes with it. While this store holds the lock, each write also
 *       checks that the lock key is still the one it created (fencing), so a holder whose lease expired cannot
 *       write over the run that took the lock after it.
 * </ul>
 */
final class EtcdStateStore implements StateStore {
    static final int CHUNK = 1024 * 1024;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final String MANIFEST = "drover_state_chunks";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Client client;
    private final String prefix;
    private final Duration ttl;
    private final StateCodec codec;
    private final String where;
    private final ByteSequence headKey;
    private final ByteSequence lockKey;
    private final SecureRandom random = new SecureRandom();

    /** The version at the head's mod revision, as last read or written by this store (saves a read before each write). */
    private record Seen(StateVersion version, long modRevision, String chunks) {}

    private volatile Seen seen;
    /** The create revision of the lock key this store holds, 0 when it holds none. */
    private volatile long heldLock;

    EtcdStateStore(Client client, String prefix, Duration ttl, StateCodec codec, String where) {
        this.client = client;
        this.prefix = prefix;
        this.ttl = ttl;
        this.codec = codec;
        this.where = where;
        this.headKey = key("/state");
        this.lockKey = key("/lock");
    }

    private ByteSequence key(String suffix) {
        return ByteSequence.from(prefix + suffix, StandardCharsets.UTF_8);
    }

    private ByteSequence chunkPrefix(String id) {
        return key("/chunks/" + id + "/");
    }

    private ByteSequence chunkKey(String id, int n) {
        return key("/chunks/" + id + "/" + String.format("%04d", n));
    }

    // --- read ---

    @Override
    public Optional<State> read() throws StateException {
        for (int attempt = 1; ; attempt++) {
            GetResponse r = call("read the state", () -> client.getKVClient().get(headKey));
            if (r.getKvs().isEmpty()) {
                seen = new Seen(StateVersion.NONE, 0, null);
                return Optional.empty();
            }
            KeyValue kv = r.getKvs().get(0);
            byte[] value = kv.getValue().getBytes();
            Manifest manifest = Manifest.parse(value);
            byte[] encoded;
            if (manifest == null) {
                encoded = value;
            } else {
                encoded = chunks(manifest, r.getHeader().getRevision());
                if (encoded == null) {
                    if (attempt < 3) {
                        continue; // the revision was compacted away under us: read the newer state
                    }
                    throw new DamagedStateException("the state at " + where + " names chunks that are missing or do not match its"
                            + " checksum (" + manifest.id + "): restore it with 'drover state push --force FILE'", null);
                }
            }
            State state = codec.decode(encoded, where);
            seen = new Seen(StateVersion.of(state), kv.getModRevision(), manifest == null ? null : manifest.id);
            return Optional.of(state);
        }
    }

    /** A large state's chunks, read at the revision its head was read at; null if they are not all there. */
    private byte[] chunks(Manifest m, long revision) throws StateException {
        GetOption at = GetOption.builder().withRevision(revision).build();
        List<CompletableFuture<GetResponse>> gets = new ArrayList<>();
        for (int i = 0; i < m.count; i++) {
            ByteSequence k = chunkKey(m.id, i);
            gets.add(client.getKVClient().get(k, at));
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(m.size);
        for (CompletableFuture<GetResponse> get : gets) {
            GetResponse r;
            try {
                r = get.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof io.etcd.jetcd.common.exception.CompactedException) {
                    return null; // that revision is gone: the caller reads the newer state
                }
                throw failed("read the state's chunks", e);
            } catch (TimeoutException e) {
                throw timedOut("read the state's chunks", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StateException("interrupted while reading the state", e);
            }
            if (r.getKvs().isEmpty()) {
                return null;
            }
            all.writeBytes(r.getKvs().get(0).getValue().getBytes());
        }
        byte[] bytes = all.toByteArray();
        return bytes.length == m.size && sha256(bytes).equals(m.sha256) ? bytes : null;
    }

    /** The version the head holds now and its mod revision, without reading a large state's chunks. */
    private Seen current() throws StateException {
        GetResponse r = call("read the state's version", () -> client.getKVClient().get(headKey));
        if (r.getKvs().isEmpty()) {
            return new Seen(StateVersion.NONE, 0, null);
        }
        KeyValue kv = r.getKvs().get(0);
        byte[] value = kv.getValue().getBytes();
        Manifest m = Manifest.parse(value);
        StateVersion version = m != null ? m.version : codec.version(value, where);
        return new Seen(version, kv.getModRevision(), m == null ? null : m.id);
    }

    // --- write ---

    @Override
    public synchronized void write(State next, StateVersion expected) throws StateException {
        if (next.serial() < 1) {
            throw new IllegalArgumentException("a stored state has serial 1 or more (write nextSerial() of what was read)");
        }
        byte[] encoded = codec.encode(next);
        Seen base = seen;
        if (base == null || !base.version().equals(expected)) {
            base = current();
        }
        if (!base.version().equals(expected)) {
            throw new StateConflictException(where, expected, base.version());
        }
        List<Cmp> conditions = new ArrayList<>();
        conditions.add(new Cmp(headKey, Cmp.Op.EQUAL, CmpTarget.modRevision(base.modRevision())));
        long fence = heldLock;
        if (fence != 0) {
            conditions.add(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(fence)));
        }
        List<Op> then = new ArrayList<>();
        String newChunks = null;
        if (encoded.length <= CHUNK) {
            then.add(Op.put(headKey, ByteSequence.from(encoded), PutOption.DEFAULT));
        } else {
            newChunks = HexFormat.of().formatHex(randomBytes(8));
            int count = (encoded.length + CHUNK - 1) / CHUNK;
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] piece = java.util.Arrays.copyOfRange(encoded, i * CHUNK, Math.min(encoded.length, (i + 1) * CHUNK));
                ByteSequence k = chunkKey(newChunks, i);
                puts.add(client.getKVClient().put(k, ByteSequence.from(piece)));
                // A chunk deleted meanwhile (by another writer's sweep) must fail the swap, not leave a head without it.
                conditions.add(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0)));
            }
            for (CompletableFuture<?> put : puts) {
                await("write the state's chunks", put);
            }
            Manifest m = new Manifest(newChunks, count, encoded.length, sha256(encoded), StateVersion.of(next));
            then.add(Op.put(headKey, ByteSequence.from(m.bytes()), PutOption.DEFAULT));
        }
        if (base.chunks() != null) {
            then.add(Op.delete(chunkPrefix(base.chunks()), DeleteOption.builder().isPrefix(true).build()));
        }
        TxnResponse t = call("write the state", () -> client.getKVClient().txn()
                .If(conditions.toArray(Cmp[]::new)).Then(then.toArray(Op[]::new)).commit());
        if (!t.isSucceeded()) {
            if (newChunks != null) {
                deleteQuietly(chunkPrefix(newChunks));
            }
            seen = null;
            if (fence != 0 && lockCreateRevision() != fence) {
                throw new LockLostException("this run lost the state lock at " + where + " (its etcd lease expired: etcd was out of"
                        + " reach for longer than the lock TTL of " + ttl.toSeconds() + " s, or someone ran 'drover force-unlock');"
                        + " another run may be changing the herd, so nothing was written: run the command again");
            }
            throw new StateConflictException(where, expected, current().version());
        }
        long revision = t.getHeader().getRevision();
        seen = new Seen(StateVersion.of(next), revision, newChunks);
        if (newChunks != null || base.chunks() != null) {
            sweepOrphanChunks(newChunks, revision);
        }
    }

    /**
     * Deletes chunks of writers killed between writing their chunks and swapping the head. Only chunks created
     * before the head this store just wrote: a writer that started after it may still swap successfully.
     */
    private void sweepOrphanChunks(String current, long headRevision) {
        try {
            GetResponse r = await("list chunks", client.getKVClient().get(key("/chunks/"),
                    GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
            String keep = current == null ? null : prefix + "/chunks/" + current + "/";
            for (KeyValue kv : r.getKvs()) {
                String k = kv.getKey().toString(StandardCharsets.UTF_8);
                if ((keep == null || !k.startsWith(keep)) && kv.getCreateRevision() < headRevision) {
                    client.getKVClient().delete(kv.getKey());
                }
            }
        } catch (StateException e) {
            // a leftover chunk wastes space, nothing else; the next large write sweeps again
        }
    }

    private void deleteQuietly(ByteSequence keyPrefix) {
        client.getKVClient().delete(keyPrefix, DeleteOption.builder().isPrefix(true).build());
    }

    private long lockCreateRevision() throws StateException {
        GetResponse r = call("read the lock", () -> client.getKVClient().get(lockKey));
        return r.getKvs().isEmpty() ? 0 : r.getKvs().get(0).getCreateRevision();
    }

    // --- lock ---

    @Override
    public StateLock lock(String operation) throws StateException {
        long ttlSeconds = Math.max(2, (ttl.toMillis() + 999) / 1000);
        long lease = call("grant the lock's lease", () -> client.getLeaseClient().grant(ttlSeconds)).getID();
        LockInfo me = LockInfo.current(Long.toHexString(lease), operation);
        TxnResponse t;
        try {
            t = call("take the lock", () -> client.getKVClient().txn()
                    .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(lockKey, ByteSequence.from(toJson(me)), PutOption.builder().withLeaseId(lease).build()))
                    .Else(Op.get(lockKey, GetOption.DEFAULT))
                    .commit());
        } catch (StateException e) {
            client.getLeaseClient().revoke(lease);
            throw e;
        }
        if (!t.isSucceeded()) {
            client.getLeaseClient().revoke(lease);
            List<KeyValue> kvs = t.getGetResponses().isEmpty() ? List.of() : t.getGetResponses().get(0).getKvs();
            LockInfo holder = kvs.isEmpty() ? new LockInfo("-", "?", "someone", "?", -1, Instant.now()) : fromJson(kvs.get(0).getValue().getBytes());
            throw new LockHeldException(where, holder, "wait for it to finish, or give a longer --lock-timeout; if that run was killed, its"
                    + " lock expires by itself within " + ttlSeconds + " s; if it is stuck, 'drover force-unlock " + holder.id() + "'");
        }
        long created = t.getHeader().getRevision();
        // jetcd renews the lease every TTL/3 and re-opens the stream after errors; if renewals stop reaching etcd for a
        // whole TTL the lease expires, and the fencing compare in write() notices.
        CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        heldLock = created;
        return () -> {
            heldLock = 0;
            keepAlive.close();
            try {
                call("release the lock", () -> client.getKVClient().txn()
                        .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(created)))
                        .Then(Op.delete(lockKey, DeleteOption.DEFAULT)).commit());
            } catch (StateException e) {
                // etcd out of reach: the lease is no longer renewed, so the lock expires by itself within the TTL
            } finally {
                client.getLeaseClient().revoke(lease); // the key goes with it, if the delete did not
            }
        };
    }

    @Override
    public Optional<LockInfo> lockHolder() throws StateException {
        GetResponse r = call("read the lock", () -> client.getKVClient().get(lockKey));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(fromJson(r.getKvs().get(0).getValue().getBytes()));
    }

    @Override
    public void forceUnlock(String id) throws StateException {
        GetResponse r = call("read the lock", () -> client.getKVClient().get(lockKey));
        if (r.getKvs().isEmpty()) {
            throw new StateException("the state at " + where + " is not locked");
        }
        KeyValue kv = r.getKvs().get(0);
        LockInfo holder = fromJson(kv.getValue().getBytes());
        if (!holder.id().equals(id)) {
            throw new StateException("the state at " + where + " is locked by " + holder.describe() + ", not lock ID " + id
                    + ": nothing was unlocked");
        }
        TxnResponse t = call("break the lock", () -> client.getKVClient().txn()
                .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(kv.getCreateRevision())))
                .Then(Op.delete(lockKey, DeleteOption.DEFAULT)).commit());
        if (!t.isSucceeded()) {
            throw new StateException("the lock at " + where + " changed hands while breaking it: nothing was unlocked; look again");
        }
        if (kv.getLease() != 0) {
            client.getLeaseClient().revoke(kv.getLease()); // the old holder, if alive, finds its lease gone at its next write
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        client.close();
    }

    // --- helpers ---

    private static byte[] toJson(LockInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", info.id());
        m.put("operation", info.operation());
        m.put("user", info.user());
        m.put("host", info.host());
        m.put("pid", info.pid());
        m.put("since", info.since().toString());
        return JSON.writeValueAsBytes(m);
    }

    private static LockInfo fromJson(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new LockInfo(n.path("id").asString("-"), n.path("operation").asString("?"), n.path("user").asString("?"),
                    n.path("host").asString("?"), n.path("pid").asLong(-1), Timestamps.parse(n.path("since").asString()));
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            return new LockInfo("-", "?", "someone (unreadable lock value)", "?", -1, Instant.now());
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T call(String what, Supplier<CompletableFuture<T>> op) throws StateException {
        return await(what, op.get());
    }

    private <T> T await(String what, CompletableFuture<T> future) throws StateException {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(what, e);
        } catch (ExecutionException e) {
            throw failed(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while asking etcd to " + what, e);
        }
    }

    private StateException timedOut(String what, TimeoutException e) {
        return new StateException("etcd did not answer within " + CALL_TIMEOUT.toSeconds() + " s when asked to " + what + " (" + where
                + "): is it running, and are the endpoints and TLS settings right?", e);
    }

    private StateException failed(String what, ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new StateException("etcd refused to " + what + " (" + where + "): " + cause.getMessage(), cause);
    }

    /** Where a large state's chunks are, with the version it holds (so a writer's check needs no chunk). */
    private record Manifest(String id, int count, int size, String sha256, StateVersion version) {
        static Manifest parse(byte[] value) {
            int end = Math.min(value.length, 64);
            String start = new String(value, 0, end, StandardCharsets.UTF_8).replaceAll("\\s", "");
            if (!start.startsWith("{\"" + MANIFEST + "\"")) {
                return null;
            }
            JsonNode n;
            try {
                n = JSON.readTree(value);
            } catch (JacksonException e) {
                return null; // then decoding it reports a damaged state
            }
            return new Manifest(n.path("id").asString(), n.path("count").asInt(), n.path("size").asInt(), n.path("sha256").asString(),
                    n.path("serial").asLong() <= 0 ? StateVersion.NONE : new StateVersion(n.path("lineage_sha256").asString(), n.path("serial").asLong()));
        }

        byte[] bytes() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(MANIFEST, 1);
            m.put("id", id);
            m.put("count", count);
            m.put("size", size);
            m.put("sha256", sha256);
            m.put("serial", version.serial());
            m.put("lineage_sha256", version.lineageDigest());
            return JSON.writeValueAsBytes(m);
        }
    }
}
