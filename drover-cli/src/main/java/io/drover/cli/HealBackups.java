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
import java.util.function.Consumer;

/**
 * The backups {@code drover heal} takes beside healing: one thread per etcd cluster with a {@code backup:} block, each
 * running a {@link BackupLoop} until heal stops, and one more per cluster with {@code autoRestore} ({@link AutoRestore}). (With several heal replicas, each takes its own; only the elected
 * leader should, once heal has an election to ask.)
 */
final class HealBackups implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private HealBackups() {}

    /**
     * Starts backing up every backed-up etcd cluster of the session's herd, and watching those with {@code autoRestore}.
     *
     * @param say gets one line per snapshot or problem
     * @param loud gets what must not go unnoticed (an automatic restore)
     */
    static HealBackups start(Session session, Consumer<String> say, Consumer<String> loud) throws io.drover.state.StateException {
        Herd herd = session.herd;
        StateStore store = session.store();
        HealBackups backups = new HealBackups();
        for (Cluster cluster : herd.clusters().values()) {
            if (cluster.role() != Role.ETCD || cluster.etcd().backup() == null) {
                continue;
            }
            BackupLoop loop = new BackupLoop(BackupTargets.snapshots(session, cluster), cluster.etcd().backup(), () -> members(cluster, store),
                    herd.name(), Clock.systemUTC(), Sleeper.SYSTEM, say);
            backups.threads.add(Thread.ofPlatform().daemon().name("drover-backup-" + cluster.name()).start(() -> {
                try {
                    loop.run(backups.running::get);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // heal is stopping
                }
            }));
            if (cluster.etcd().backup().autoRestore() != null) {
                AutoRestore auto = new AutoRestore(session, cluster, Clock.systemUTC(), say, loud);
                backups.threads.add(Thread.ofPlatform().daemon().name("drover-auto-restore-" + cluster.name()).start(() -> {
                    try {
                        auto.run(backups.running::get);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // heal is stopping
                    }
                }));
            }
        }
        return backups;
    }

    private static BackupLoop.Members members(Cluster cluster, StateStore store) {
        try {
            return ClusterAccess.members(cluster, store.read().orElse(State.empty("")));
        } catch (io.drover.state.StateException e) {
            return new BackupLoop.Members(List.of(), null); // read again at the next full snapshot
        }
    }

    @Override
    public void close() {
        running.set(false);
        threads.forEach(Thread::interrupt);
    }
}
