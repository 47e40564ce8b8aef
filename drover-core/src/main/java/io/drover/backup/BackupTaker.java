package io.drover.backup;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes one cluster's backups through one member: a full snapshot (etcd's snapshot API), then the changes after it as
 * a watch reports them, written as a delta whenever {@link Recorder#flush} is called.
 */
public final class BackupTaker implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofMinutes(10);

    private final Client client;
    private final Snapshots snapshots;
    private final String herd;
    private final Clock clock;
    private final String member;

    /** @param member the member's client URL (for messages) */
    public BackupTaker(Client client, String member, Snapshots snapshots, String herd, Clock clock) {
        this.client = client;
        this.member = member;
        this.snapshots = snapshots;
        this.herd = herd;
        this.clock = clock;
    }

    public static BackupTaker of(String clientUrl, io.drover.roles.EtcdPki pki, Snapshots snapshots, String herd, Clock clock)
            throws BackupException {
        return new BackupTaker(EtcdClients.of(clientUrl, pki), clientUrl, snapshots, herd, clock);
    }

    /**
     * Takes and stores a full snapshot. Its revision is read just before the snapshot, so the snapshot holds at least
     * that revision; deltas watched from right after it may repeat a few writes the snapshot holds too, which replaying
     * in order makes harmless.
     */
    public FullSnapshot full() throws BackupException, InterruptedException {
        try {
            GetResponse count = client.getKVClient().get(EtcdClients.ALL, GetOption.builder().withRange(EtcdClients.ALL).withCountOnly(true).build())
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long revision = count.getHeader().getRevision();
            ByteArrayOutputStream db = new ByteArrayOutputStream();
            client.getMaintenanceClient().snapshot(db).get(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            FullSnapshot full = new FullSnapshot(herd, snapshots.cluster(), revision, clock.instant(), count.getCount(), db.size());
            snapshots.writeFull(full, db.toByteArray());
            return full;
        } catch (ExecutionException | TimeoutException e) {
            throw new BackupException.Unreachable("cannot take a snapshot of cluster '" + snapshots.cluster() + "' from " + member + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    /** Starts watching every change after a full snapshot's revision. */
    public Recorder record(FullSnapshot full) {
        return new Recorder(full);
    }

    /** Buffers a watch's changes and writes them as one delta per {@link #flush}. */
    public final class Recorder implements AutoCloseable {
        private final FullSnapshot full;
        private final Watch.Watcher watcher;
        private final List<Delta.Change> pending = new ArrayList<>();
        private long covered;
        private long seen;
        private Throwable failure;

        private Recorder(FullSnapshot full) {
            this.full = full;
            this.covered = full.revision();
            this.seen = full.revision();
            WatchOption option = WatchOption.builder().withRange(EtcdClients.ALL).withRevision(full.revision() + 1).build();
            this.watcher = client.getWatchClient().watch(EtcdClients.ALL, option, Watch.listener(this::onNext, this::onError));
        }

        private synchronized void onNext(WatchResponse response) {
            for (WatchEvent e : response.getEvents()) {
                KeyValue kv = e.getKeyValue();
                boolean delete = e.getEventType() == WatchEvent.EventType.DELETE;
                pending.add(new Delta.Change(kv.getModRevision(), kv.getKey().getBytes(), delete ? null : kv.getValue().getBytes()));
                seen = Math.max(seen, kv.getModRevision());
            }
        }

        private synchronized void onError(Throwable t) {
            failure = t;
        }

        /**
         * Writes the changes seen since the last flush as one delta (nothing when there were none).
         *
         * @throws BackupException.Unreachable when the watch failed (its member went away, the revisions were compacted):
         *     the caller takes a new full snapshot, which the next deltas continue
         */
        public Delta flush() throws BackupException {
            Delta delta;
            int taken;
            synchronized (this) {
                if (failure != null) {
                    throw new BackupException.Unreachable("the watch of cluster '" + snapshots.cluster() + "' on " + member + " stopped: "
                            + failure.getMessage(), failure);
                }
                if (pending.isEmpty()) {
                    return null;
                }
                taken = pending.size();
                delta = new Delta(herd, snapshots.cluster(), full.id(), covered, seen, clock.instant(), pending);
            }
            snapshots.writeDelta(delta); // a store that refuses it keeps the changes pending for the next flush
            synchronized (this) {
                pending.subList(0, taken).clear();
                covered = delta.to();
            }
            return delta;
        }

        @Override
        public void close() {
            watcher.close();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
