package io.drover.state.etcd;

import io.drover.state.DamagedStateException;
import io.drover.state.Election;
import io.drover.state.LeadershipLostException;
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
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
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
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Client client;
    private final String prefix;
    private final Duration ttl;
    private final StateCodec codec;
    private final String where;
    private final ByteSequence headKey;
    private final EtcdCalls calls;
    private final EtcdLocks locks;
    private final EtcdElection.Keys electionKeys;
    private final SecureRandom random = new SecureRandom();
    /** The heal term this store's writes are fenced by, once it led; a term that ended keeps fencing (and failing). */
    private volatile EtcdElection.EtcdTerm term;

    /** The version at the head's mod revision, as last read or written by this store (saves a read before each write). */
    private record Seen(StateVersion version, long modRevision, String chunks) {}

    private volatile Seen seen;

    EtcdStateStore(Client client, String prefix, Duration ttl, StateCodec codec, String where) {
        this.client = client;
        this.prefix = prefix;
        this.ttl = ttl;
        this.codec = codec;
        this.where = where;
        this.headKey = key("/state");
        this.calls = new EtcdCalls(where);
        this.locks = new EtcdLocks(client, calls, key("/lock"), ttl, where);
        this.electionKeys = EtcdElection.Keys.under(prefix);
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
            ChunkManifest manifest = ChunkManifest.parse(value);
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
                            + " checksum (" + manifest.id() + "): restore it with 'drover state push --force FILE'", null);
                }
            }
            State state = codec.decode(encoded, where);
            seen = new Seen(StateVersion.of(state), kv.getModRevision(), manifest == null ? null : manifest.id());
            return Optional.of(state);
        }
    }

    /** A large state's chunks, read at the revision its head was read at; null if they are not all there. */
    private byte[] chunks(ChunkManifest m, long revision) throws StateException {
        GetOption at = GetOption.builder().withRevision(revision).build();
        List<CompletableFuture<GetResponse>> gets = new ArrayList<>();
        for (int i = 0; i < m.count(); i++) {
            ByteSequence k = chunkKey(m.id(), i);
            gets.add(client.getKVClient().get(k, at));
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(m.size());
        for (CompletableFuture<GetResponse> get : gets) {
            GetResponse r;
            try {
                r = get.get(EtcdCalls.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof io.etcd.jetcd.common.exception.CompactedException) {
                    return null; // that revision is gone: the caller reads the newer state
                }
                throw calls.failed("read the state's chunks", e);
            } catch (TimeoutException e) {
                throw calls.timedOut("read the state's chunks", e);
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
        return bytes.length == m.size() && sha256(bytes).equals(m.sha256()) ? bytes : null;
    }

    /** The version the head holds now and its mod revision, without reading a large state's chunks. */
    private Seen current() throws StateException {
        GetResponse r = call("read the state's version", () -> client.getKVClient().get(headKey));
        if (r.getKvs().isEmpty()) {
            return new Seen(StateVersion.NONE, 0, null);
        }
        KeyValue kv = r.getKvs().get(0);
        byte[] value = kv.getValue().getBytes();
        ChunkManifest m = ChunkManifest.parse(value);
        StateVersion version = m != null ? m.version() : codec.version(value, where);
        return new Seen(version, kv.getModRevision(), m == null ? null : m.id());
    }

    // --- write ---

    @Override
    public synchronized void write(State next, StateVersion expected) throws StateException {
        if (next.serial() < 1) {
            throw new IllegalArgumentException("a stored state has serial 1 or more (write nextSerial() of what was read)");
        }
        EtcdElection.EtcdTerm leading = term;
        if (leading != null && leading.lostReason() != null) {
            // Said as what it is, before any compare could call it a conflict: this replica no longer leads.
            throw new LeadershipLostException("this replica no longer leads heal (" + leading.lostReason() + "): nothing was written");
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
        long fence = locks.fence();
        if (fence != 0) {
            conditions.add(new Cmp(locks.key(), Cmp.Op.EQUAL, CmpTarget.createRevision(fence)));
        }
        if (leading != null) {
            conditions.add(new Cmp(leading.leaderKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(leading.token())));
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
            ChunkManifest m = new ChunkManifest(newChunks, count, encoded.length, sha256(encoded), StateVersion.of(next));
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
            if (leading != null && leaderCreateRevision(leading) != leading.token()) {
                String why = "another heal replica leads now (the leader key is no longer this term's, " + leading.token()
                        + "): this deposed leader wrote nothing";
                leading.deposed(why);
                throw new LeadershipLostException(why);
            }
            if (fence != 0 && locks.createRevision() != fence) {
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

    private long leaderCreateRevision(EtcdElection.EtcdTerm t) throws StateException {
        GetResponse r = call("read who leads heal", () -> client.getKVClient().get(t.leaderKey()));
        return r.getKvs().isEmpty() ? 0 : r.getKvs().get(0).getCreateRevision();
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

    // --- lock and heal election ---

    @Override
    public StateLock lock(String operation) throws StateException {
        return locks.lock(operation);
    }

    @Override
    public Optional<LockInfo> lockHolder() throws StateException {
        return locks.holder();
    }

    @Override
    public void forceUnlock(String id) throws StateException {
        locks.forceUnlock(id);
    }

    @Override
    public Election election(LockInfo me, Election.Settings settings) throws StateException {
        return new EtcdElection(client, calls, electionKeys, me, settings, this);
    }

    @Override
    public Election.Roster healRoster() throws StateException {
        return EtcdElection.roster(client, calls, electionKeys);
    }

    /** From now on every write, and every action, must be this term's: see {@link #beforeAction}. */
    void fenceWith(EtcdElection.EtcdTerm term) {
        this.term = term;
    }

    /**
     * While leading heal: refuses unless the lease is comfortably valid, then writes the intent under the fence (the
     * leader key must still be this term's), so the action never starts once another replica leads.
     */
    @Override
    public void beforeAction(String resource, String action) throws StateException {
        EtcdElection.EtcdTerm t = term;
        if (t == null) {
            return;
        }
        t.ensureSafe();
        Map<String, Object> intent = new LinkedHashMap<>();
        intent.put("token", t.token());
        intent.put("resource", resource);
        intent.put("action", action);
        intent.put("at", Instant.now().toString());
        TxnResponse r = calls.call("record what heal is about to do", () -> client.getKVClient().txn()
                .If(new Cmp(t.leaderKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(t.token())))
                .Then(Op.put(t.intentKey(), ByteSequence.from(JSON.writeValueAsBytes(intent)), PutOption.DEFAULT))
                .commit());
        if (!r.isSucceeded()) {
            String why = "another heal replica leads now (the leader key is no longer this term's, " + t.token() + "): not starting to " + action;
            t.deposed(why);
            throw new LeadershipLostException(why);
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
        return calls.call(what, op);
    }

    private <T> T await(String what, CompletableFuture<T> future) throws StateException {
        return calls.await(what, future);
    }
}
