package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.backup.BackupLoop;
import io.drover.backup.BackupTaker;
import io.drover.backup.ClusterAccess;
import io.drover.backup.FullSnapshot;
import io.drover.backup.Snapshots;
import io.drover.config.Cluster;
import io.drover.engine.Engine;
import io.drover.retry.Sleeper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", description = "Take a full snapshot of an etcd cluster now (--follow: and keep taking full snapshots and deltas"
        + " as its backup block says, until stopped).")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The etcd cluster (default: the herd's only one with a backup block).")
    String clusterName;

    @Option(names = "--follow", description = "Keep backing up: a full snapshot every 'full' period, deltas every 'delta' period.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        try (Session session = Session.open(options); Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            Cluster cluster = BackupTargets.cluster(session.herd, clusterName);
            Snapshots snapshots = BackupTargets.snapshots(session, cluster);
            if (follow) {
                BackupLoop loop = new BackupLoop(snapshots, cluster.etcd().backup(), () -> {
                    try {
                        return ClusterAccess.members(cluster, engine.state());
                    } catch (io.drover.state.StateException e) {
                        throw new java.io.UncheckedIOException(new java.io.IOException(e.getMessage(), e));
                    }
                }, session.herd.name(), Clock.systemUTC(), Sleeper.SYSTEM, this::say);
                loop.run(() -> true);
                return ExitCodes.OK;
            }
            BackupLoop.Members members = ClusterAccess.members(cluster, engine.state());
            if (members.clientUrls().isEmpty()) {
                throw new UserError("cluster '" + cluster.name() + "' has no recorded member to take a snapshot from (run 'drover apply')");
            }
            io.drover.backup.BackupException last = null;
            for (String url : members.clientUrls()) {
                try (BackupTaker taker = BackupTaker.of(url, members.pki(), snapshots, session.herd.name(), Clock.systemUTC())) {
                    FullSnapshot full = taker.full();
                    snapshots.collect(cluster.etcd().backup().keep());
                    print(full, snapshots);
                    return ExitCodes.OK;
                } catch (io.drover.backup.BackupException.Unreachable e) {
                    last = e; // the next member may answer
                }
            }
            throw last;
        }
    }

    private void print(FullSnapshot full, Snapshots snapshots) {
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "snapshot");
            m.put("cluster", full.cluster());
            m.put("id", full.id());
            m.put("revision", full.revision());
            m.put("keys", full.keys());
            m.put("size", full.size());
            m.put("store", snapshots.store().describe());
            System.out.println(Json.write(m));
        } else {
            System.out.println("Snapshot " + full.id() + " of cluster '" + full.cluster() + "': revision " + full.revision() + ", " + full.keys()
                    + " keys, " + full.size() + " bytes, in " + snapshots.store().describe());
        }
    }

    private void say(String line) {
        if (options.json) {
            System.out.println(Json.write(Map.of("type", "note", "message", line)));
        } else {
            System.out.println(line);
        }
        System.out.flush();
    }
}
