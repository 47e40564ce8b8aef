package io.drover.cli;

import io.drover.backup.BackupLoop;
import io.drover.backup.ClusterAccess;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.retry.Sleeper;
import io.drover.state.State;
import io.drover.state.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The backups {@code drover heal} takes beside healing: one thread per etcd cluster with a {@code backup:} block, each
 * running a {@link BackupLoop}, and one more per cluster with {@code autoRestore} ({@link AutoRestore}). They are the
 * heal leader's work: {@link #ensureRunning()} is called after each of the leader's passes and starts them if they are
 * not running; each stops by itself once this replica no longer leads (a deposed or resigned leader takes no more
 * backups, and never restores), and the next term starts them again.
 */
final class HealBackups implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Session session;
    private final Consumer<String> say;
    private final Consumer<String> loud;
    private final BooleanSupplier leading;

    private HealBackups(Session session, Consumer<String> say, Consumer<String> loud, BooleanSupplier leading) {
        this.session = session;
        this.say = say;
        this.loud = loud;
        this.leading = leading;
    }

    /**
     * Backups for every backed-up etcd cluster of the session's herd, and watches of those with {@code autoRestore},
     * taken while {@code leading} says this replica leads; nothing starts before {@link #ensureRunning()}.
     *
     * @param say gets one line per snapshot or problem
     * @param loud gets what must not go unnoticed (an automatic restore)
     */
    static HealBackups forLeader(Session session, Consumer<String> say, Consumer<String> loud, BooleanSupplier leading) {
        return new HealBackups(session, say, loud, leading);
    }

    /** Starts the loops unless they run (a cheap check, made after every pass of the leader). */
    synchronized void ensureRunning() throws io.drover.state.StateException {
        threads.removeIf(thread -> !thread.isAlive());
        if (!threads.isEmpty() || !running.get()) {
            return;
        }
        Herd herd = session.herd;
        StateStore store = session.store();
        BooleanSupplier keepGoing = () -> running.get() && leading.getAsBoolean();
        for (Cluster cluster : herd.clusters().values()) {
            if (cluster.role() != Role.ETCD || cluster.etcd().backup() == null) {
                continue;
            }
            BackupLoop loop = new BackupLoop(BackupTargets.snapshots(session, cluster), cluster.etcd().backup(), () -> members(cluster, store),
                    herd.name(), Clock.systemUTC(), Sleeper.SYSTEM, say);
            threads.add(Thread.ofPlatform().daemon().name("drover-backup-" + cluster.name()).start(() -> {
                try {
                    loop.run(keepGoing);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // heal is stopping
                }
            }));
            if (cluster.etcd().backup().autoRestore() != null) {
                AutoRestore auto = new AutoRestore(session, cluster, Clock.systemUTC(), Sleeper.SYSTEM, say, loud);
                threads.add(Thread.ofPlatform().daemon().name("drover-auto-restore-" + cluster.name()).start(() -> {
                    try {
                        auto.run(keepGoing);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // heal is stopping
                    }
                }));
            }
        }
    }

    private static BackupLoop.Members members(Cluster cluster, StateStore store) {
        try {
            return ClusterAccess.members(cluster, store.read().orElse(State.empty("")));
        } catch (io.drover.state.StateException e) {
            return new BackupLoop.Members(List.of(), null); // read again at the next full snapshot
        }
    }

    @Override
    public synchronized void close() {
        running.set(false);
        threads.forEach(Thread::interrupt);
    }
}
