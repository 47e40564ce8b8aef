package io.drover.state.etcd;

import static io.drover.state.etcd.LockInfoJson.fromJson;
import static io.drover.state.etcd.LockInfoJson.toJson;

import io.drover.state.Election;
import io.drover.state.LeadershipLostException;
import io.drover.state.LeaseTimer;
import io.drover.state.LockInfo;
import io.drover.state.StateException;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The heal election in etcd, under the state's prefix {@code P}:
 *
 * <ul>
 *   <li>{@code P/heal/replicas/LEASE}: each running replica, bound to its own lease;
 *   <li>{@code P/heal/leader}: the leader, put only when absent, bound to the leader's lease. Its create revision is
 *       the term's fencing token (etcd's election API does the same): the store compares it in every write and
 *       before every action, so a replica that lost the key can change nothing, whatever it believes;
 *   <li>{@code P/heal/intent}: the last action a leader announced, written under the fence just before the action.
 * </ul>
 *
 * This class renews its lease itself, one request at a time, and times each renewal from when it was sent
 * ({@link LeaseTimer}): jetcd's keep-alive stream has been seen to stop renewing silently (jetcd #1383), and a
 * leader must know, by its own clock, when it can no longer be sure of its lease.
 */
final class EtcdElection implements Election {
    private final Client client;
    private final EtcdCalls calls;
    private final Keys keys;
    private final LockInfo me;
    private final Settings settings;
    private final EtcdStateStore store;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drover-heal-lease");
        t.setDaemon(true);
        return t;
    });
    private long lease;
    private LeaseTimer timer;
    private EtcdTerm term;

    /** The election's keys under the state's prefix. */
    record Keys(ByteSequence leader, ByteSequence replicas, ByteSequence intent) {
        static Keys under(String prefix) {
            return new Keys(bytes(prefix + "/heal/leader"), bytes(prefix + "/heal/replicas/"), bytes(prefix + "/heal/intent"));
        }

        ByteSequence replica(long lease) {
            return replicas.concat(bytes(Long.toHexString(lease)));
        }

        private static ByteSequence bytes(String s) {
            return ByteSequence.from(s, StandardCharsets.UTF_8);
        }
    }

    EtcdElection(Client client, EtcdCalls calls, Keys keys, LockInfo me, Settings settings, EtcdStateStore store) {
        this.client = client;
        this.calls = calls;
        this.keys = keys;
        this.me = me;
        this.settings = settings;
        this.store = store;
        long period = Math.max(100, settings.lease().toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** A lease of this replica that is still surely valid, granted (and the replica listed under it) if need be. */
    private synchronized void ensureLease() throws StateException {
        Long doubted = null;
        if (timer != null) {
            try {
                timer.ensureSafe();
                return;
            } catch (LeadershipLostException e) {
                // expired or about to: a fresh one, so this replica may lead again later (never under the old term);
                // the old one goes once the new one lists this replica (revoked first, the replica was missing from
                // the roster in between: 'status' showed one replica fewer, seen in CI)
                doubted = lease;
            }
        }
        long seconds = Math.max(2, (settings.lease().toMillis() + 999) / 1000);
        long sent = settings.nanos().getAsLong();
        var granted = calls.call("grant the heal lease", () -> client.getLeaseClient().grant(seconds));
        lease = granted.getID();
        timer = new LeaseTimer(sent, Duration.ofSeconds(granted.getTTL()), settings.margin(), settings.nanos());
        long id = lease;
        calls.call("list this heal replica", () -> client.getKVClient().put(keys.replica(id),
                ByteSequence.from(toJson(new LockInfo(Long.toHexString(id), me.operation(), me.user(), me.host(), me.pid(), me.since()))),
                PutOption.builder().withLeaseId(id).build()));
        if (doubted != null) {
            client.getLeaseClient().revoke(doubted); // with any key still bound to it: the old listing, a leader key
        }
    }

    /** One renewal, timed from when it was sent; a lease etcd no longer knows is lost for good. */
    private void renew() {
        long id;
        LeaseTimer t;
        synchronized (this) {
            id = lease;
            t = timer;
        }
        if (t == null) {
            return;
        }
        long sent = settings.nanos().getAsLong();
        try {
            LeaseKeepAliveResponse r = calls.await("renew the heal lease", client.getLeaseClient().keepAliveOnce(id), settings.lease());
            if (r.getTTL() > 0) {
                t.renewed(sent, Duration.ofSeconds(r.getTTL()));
            } else {
                t.lost("etcd says the leader lease has expired");
            }
        } catch (StateException e) {
            // Not renewed this time: the timer runs out by itself if this goes on.
            if (e.getCause() instanceof io.etcd.jetcd.common.exception.EtcdException x
                    && x.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND) {
                t.lost("etcd says the leader lease is gone");
            }
        } catch (RuntimeException e) {
            // the same: the next try, or the timer, decides
        }
    }

    @Override
    public synchronized Optional<Term> tryLead() throws StateException {
        if (term != null && !term.over()) {
            return Optional.of(term);
        }
        ensureLease();
        try {
            timer.ensureSafe();
        } catch (LeadershipLostException e) {
            return Optional.empty(); // granted too slowly to be sure of it (a starved JVM): stand next time, with a fresh one
        }
        long id = lease;
        LockInfo leader = new LockInfo(Long.toHexString(id), me.operation(), me.user(), me.host(), me.pid(), Instant.now());
        TxnResponse t = calls.call("stand for heal leader", () -> client.getKVClient().txn()
                .If(new Cmp(keys.leader(), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(keys.leader(), ByteSequence.from(toJson(leader)), PutOption.builder().withLeaseId(id).build()))
                .commit());
        if (!t.isSucceeded()) {
            return Optional.empty();
        }
        term = new EtcdTerm(t.getHeader().getRevision(), leader, timer);
        store.fenceWith(term);
        return Optional.of(term);
    }

    @Override
    public boolean acrossMachines() {
        return true;
    }

    @Override
    public synchronized void close() {
        if (term != null) {
            term.resign();
        }
        renewer.shutdownNow();
        if (timer != null) {
            client.getLeaseClient().revoke(lease); // this replica's listing goes with it
        }
    }

    /** Who leads and who runs, as etcd holds it now. */
    static Roster roster(Client client, EtcdCalls calls, Keys keys) throws StateException {
        GetResponse l = calls.call("read who leads heal", () -> client.getKVClient().get(keys.leader()));
        GetResponse r = calls.call("list the heal replicas", () -> client.getKVClient().get(keys.replicas(),
                GetOption.builder().isPrefix(true).build()));
        List<LockInfo> replicas = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            replicas.add(fromJson(kv.getValue().getBytes()));
        }
        replicas.sort(Comparator.comparing(LockInfo::since));
        Optional<LockInfo> leader = l.getKvs().isEmpty() ? Optional.empty() : Optional.of(fromJson(l.getKvs().get(0).getValue().getBytes()));
        return new Roster(leader, List.copyOf(replicas));
    }

    /** A term: the leader key's create revision, valid while the lease surely is and until it resigns. */
    final class EtcdTerm implements Term {
        private final long token;
        private final LockInfo leader;
        private final LeaseTimer timer;

        EtcdTerm(long token, LockInfo leader, LeaseTimer timer) {
            this.token = token;
            this.leader = leader;
            this.timer = timer;
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public LockInfo leader() {
            return leader;
        }

        boolean over() {
            try {
                timer.ensureSafe();
                return false;
            } catch (LeadershipLostException e) {
                return true;
            }
        }

        @Override
        public void ensureSafe() throws LeadershipLostException {
            timer.ensureSafe();
        }

        /** Why this term is known to be over, or null (the margin is not judged here: see {@link #ensureSafe}). */
        String lostReason() {
            return timer.lost();
        }

        /** Seen by the store: the leader key is no longer this term's. */
        void deposed(String why) {
            timer.lost(why);
        }

        ByteSequence leaderKey() {
            return keys.leader();
        }

        ByteSequence intentKey() {
            return keys.intent();
        }

        @Override
        public void resign() {
            timer.lost("this replica resigned");
            try {
                calls.call("resign as heal leader", () -> client.getKVClient().txn()
                        .If(new Cmp(keys.leader(), Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
                        .Then(Op.delete(keys.leader(), DeleteOption.DEFAULT)).commit());
            } catch (StateException e) {
                // etcd out of reach: the key goes with the lease, which is no longer renewed once this replica exits
            }
        }
    }
}
