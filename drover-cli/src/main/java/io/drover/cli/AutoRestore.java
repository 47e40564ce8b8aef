package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.backup.BackupLoop;
import io.drover.backup.ClusterAccess;
import io.drover.backup.Restorer;
import io.drover.config.Cluster;
import io.drover.engine.Engine;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.roles.EtcdGateway;
import io.drover.state.State;
import io.drover.state.StateLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code backup: {autoRestore: after 2m}}: watches one etcd cluster from {@code drover heal} and, once it has been
 * without quorum (fewer than a majority of its members healthy) for that long, restores it from its backups as
 * {@code drover restore --auto-approve} would, under the state lock.
 */
final class AutoRestore {
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private final io.drover.retry.Sleeper sleeper;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);

    private final Session session;
    private final Cluster cluster;
    private final Clock clock;
    private final Consumer<String> say;
    private final Consumer<String> loud;

    /** @param loud for what must not go unnoticed: a restore begun, finished or failed */
    AutoRestore(Session session, Cluster cluster, Clock clock, io.drover.retry.Sleeper sleeper, Consumer<String> say, Consumer<String> loud) {
        this.sleeper = sleeper;
        this.session = session;
        this.cluster = cluster;
        this.clock = clock;
        this.say = say;
        this.loud = loud;
    }

    void run(BooleanSupplier keepGoing) throws InterruptedException {
        Duration after = cluster.etcd().backup().autoRestore();
        Instant lostSince = null;
        while (keepGoing.getAsBoolean()) {
            sleeper.sleep(CHECK_EVERY);
            State state;
            try {
                state = session.store().read().orElse(null);
            } catch (io.drover.state.StateException e) {
                continue; // read again at the next check
            }
            if (state == null || state.destroyed() || state.cluster(cluster.name()).isEmpty()) {
                lostSince = null;
                continue; // nothing recorded: creating it is apply's job
            }
            if (quorum(state)) {
                lostSince = null;
                continue;
            }
            Instant now = clock.instant();
            if (lostSince == null) {
                lostSince = now;
                continue;
            }
            if (Duration.between(lostSince, now).compareTo(after) < 0) {
                continue;
            }
            loud.accept("etcd cluster '" + cluster.name() + "' has been without quorum for " + Duration.between(lostSince, now).toSeconds()
                    + " s (autoRestore: after " + after.toSeconds() + " s): restoring it from its backups, as 'drover restore' does");
            try (StateLock lock = Session.lock(session.store(), "auto-restore", LOCK_TIMEOUT);
                    Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
                Restorer.Result r = new Restorer(engine, session.store(), BackupTargets.etcdBinaries(), say)
                        .restore(cluster, BackupTargets.snapshots(session, cluster), Restorer.Choice.NEWEST);
                loud.accept("restored etcd cluster '" + cluster.name() + "' on " + String.join(", ", r.servers()) + ": " + r.keys() + " keys of snapshot "
                        + r.full().id() + " and " + r.deltas() + " delta(s); clients must read 'drover output' again for its endpoints");
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                loud.accept("automatic restore of etcd cluster '" + cluster.name() + "' failed: " + e.getMessage()
                        + " (it is tried again; 'drover restore' does the same by hand)");
            }
            lostSince = null;
        }
    }

    /** Whether a majority of the cluster's size answers its health check (a member without a leader does not). */
    private boolean quorum(State state) throws InterruptedException {
        BackupLoop.Members members = ClusterAccess.members(cluster, state);
        if (members.clientUrls().isEmpty()) {
            return false;
        }
        int healthy = 0;
        Retry once = Retry.until(Duration.ZERO, Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(50)));
        try (EtcdGateway gateway = new EtcdGateway(members.clientUrls(), members.pki() == null ? null : members.pki().clientContext(), once)) {
            for (String url : members.clientUrls()) {
                if (gateway.healthy(url, PROBE_TIMEOUT)) {
                    healthy++;
                }
            }
        }
        return healthy > cluster.size() / 2;
    }
}
