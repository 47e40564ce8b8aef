package io.drover.cli;

import io.drover.backup.Restorer;
import io.drover.backup.Snapshots;
import io.drover.config.Cluster;
import io.drover.engine.Engine;
import io.drover.heal.ApplyLog;
import io.drover.heal.EventLog;
import io.drover.state.StateLock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = "Replace an etcd cluster by fresh servers holding a backup's data: the newest full snapshot and its deltas"
        + " (or --at TIME, or --snapshot ID). The backup is read and checked before anything is destroyed.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Mixin
    ChangeOptions change;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The etcd cluster (default: the herd's only one with a backup block).")
    String clusterName;

    @Option(names = "--at", paramLabel = "TIME", description = "Restore the data as of this time (UTC, e.g. 2026-12-07T00:30:00Z): the newest full"
            + " snapshot taken at or before it, with its deltas written at or before it.")
    String at;

    @Option(names = "--snapshot", paramLabel = "ID", description = "Restore this full snapshot ('drover backups' lists them) with all its deltas.")
    String snapshot;

    @Override
    public Integer call() throws Exception {
        if (at != null && snapshot != null) {
            throw new UserError("give --at or --snapshot, not both");
        }
        Instant when = null;
        if (at != null) {
            try {
                when = Instant.parse(at);
            } catch (java.time.format.DateTimeParseException e) {
                throw new UserError("--at: '" + at + "' is not a UTC time; write it like 2026-12-07T00:30:00Z");
            }
        }
        if (!change.autoApprove) {
            throw new UserError("a restore destroys what is left of the cluster and discards every write after the backup: add --auto-approve");
        }
        Session session = Session.open(options);
        session.requireBakedImages();
        Cluster cluster = BackupTargets.cluster(session.herd, clusterName);
        Snapshots snapshots = BackupTargets.snapshots(session, cluster);
        ProgressView progress = new ProgressView(System.out, Style.detect(options.noColor), options.json);
        ApplyLog log = new ApplyLog(new EventLog(Engine.workDir(session.herd)), "restore", new InterruptNotice(progress, System.err));
        try (StateLock lock = change.lock(session.store(), "restore");
                Engine engine = session.engine(log, new Engine.Settings(change.parallelism(), Duration.ofSeconds(60)))) {
            Restorer restorer = new Restorer(engine, session.store(), BackupTargets.etcdBinaries(), this::say);
            Restorer.Result r = restorer.restore(cluster, snapshots, new Restorer.Choice(snapshot, when));
            if (options.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "restored");
                m.put("cluster", r.cluster());
                m.put("snapshot", r.full().id());
                m.put("deltas", r.deltas());
                m.put("revision", r.revision());
                m.put("keys", r.keys());
                m.put("servers", r.servers());
                m.put("outputs", engine.outputs(engine.state()));
                System.out.println(Json.write(m));
            } else {
                System.out.println();
                System.out.println("Restore complete! Cluster '" + r.cluster() + "' runs on " + String.join(", ", r.servers()) + " with the " + r.keys()
                        + " keys of snapshot " + r.full().id() + " and " + r.deltas() + " delta(s) (old revision " + r.revision() + ").");
                ApplyCommand.printOutputs(engine.outputs(engine.state()), Style.detect(options.noColor));
            }
            return ExitCodes.OK;
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
