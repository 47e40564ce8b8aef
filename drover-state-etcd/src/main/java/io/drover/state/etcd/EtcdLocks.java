package io.drover.state.etcd;

import static io.drover.state.etcd.LockInfoJson.fromJson;
import static io.drover.state.etcd.LockInfoJson.toJson;

import io.drover.state.LockHeldException;
import io.drover.state.LockInfo;
import io.drover.state.StateException;
import io.drover.state.StateLock;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The herd's lock, {@code P/lock}: who holds it (JSON), bound to a lease this process keeps alive. A killed holder's
 * lease expires after the TTL and the key goes with it. {@link #fence()} is the create revision of the key this
 * process holds, which the store compares in every write so that a holder whose lease expired cannot write over the
 * run that took the lock after it.
 */
final class EtcdLocks {
    private final Client client;
    private final EtcdCalls calls;
    private final ByteSequence lockKey;
    private final Duration ttl;
    private final String where;
    /** The create revision of the lock key this store holds, 0 when it holds none. */
    private volatile long heldLock;

    EtcdLocks(Client client, EtcdCalls calls, ByteSequence lockKey, Duration ttl, String where) {
        this.client = client;
        this.calls = calls;
        this.lockKey = lockKey;
        this.ttl = ttl;
        this.where = where;
    }

    ByteSequence key() {
        return lockKey;
    }

    long fence() {
        return heldLock;
    }

    Duration ttl() {
        return ttl;
    }

    long createRevision() throws StateException {
        GetResponse r = calls.call("read the lock", () -> client.getKVClient().get(lockKey));
        return r.getKvs().isEmpty() ? 0 : r.getKvs().get(0).getCreateRevision();
    }

    StateLock lock(String operation) throws StateException {
        long ttlSeconds = Math.max(2, (ttl.toMillis() + 999) / 1000);
        long lease = calls.call("grant the lock's lease", () -> client.getLeaseClient().grant(ttlSeconds)).getID();
        LockInfo me = LockInfo.current(Long.toHexString(lease), operation);
        TxnResponse t;
        try {
            t = calls.call("take the lock", () -> client.getKVClient().txn()
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
        // whole TTL the lease expires, and the fencing compare in the store's write notices.
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
                calls.call("release the lock", () -> client.getKVClient().txn()
                        .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(created)))
                        .Then(Op.delete(lockKey, DeleteOption.DEFAULT)).commit());
            } catch (StateException e) {
                // etcd out of reach: the lease is no longer renewed, so the lock expires by itself within the TTL
            } finally {
                client.getLeaseClient().revoke(lease); // the key goes with it, if the delete did not
            }
        };
    }

    Optional<LockInfo> holder() throws StateException {
        GetResponse r = calls.call("read the lock", () -> client.getKVClient().get(lockKey));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(fromJson(r.getKvs().get(0).getValue().getBytes()));
    }

    void forceUnlock(String id) throws StateException {
        GetResponse r = calls.call("read the lock", () -> client.getKVClient().get(lockKey));
        if (r.getKvs().isEmpty()) {
            throw new StateException("the state at " + where + " is not locked");
        }
        KeyValue kv = r.getKvs().get(0);
        LockInfo holder = fromJson(kv.getValue().getBytes());
        if (!holder.id().equals(id)) {
            throw new StateException("the state at " + where + " is locked by " + holder.describe() + ", not lock ID " + id
                    + ": nothing was unlocked");
        }
        TxnResponse t = calls.call("break the lock", () -> client.getKVClient().txn()
                .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(kv.getCreateRevision())))
                .Then(Op.delete(lockKey, DeleteOption.DEFAULT)).commit());
        if (!t.isSucceeded()) {
            throw new StateException("the lock at " + where + " changed hands while breaking it: nothing was unlocked; look again");
        }
        if (kv.getLease() != 0) {
            client.getLeaseClient().revoke(kv.getLease()); // the old holder, if alive, finds its lease gone at its next write
        }
    }
}
