package io.drover.cli;

import io.drover.backup.BackupException;
import io.drover.backup.Delta;
import io.drover.backup.FullSnapshot;
import io.drover.backup.KeySpace;
import io.drover.backup.ScratchMember;
import io.drover.backup.Snapshots;
import io.drover.config.Cluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backups", description = "List an etcd cluster's snapshots: time, revision, size, keys and deltas (--verify: restore each into a"
        + " throw-away etcd and check it).")
final class BackupsCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The etcd cluster (default: the herd's only one with a backup block).")
    String clusterName;

    @Option(names = "--verify", description = "Restore every snapshot with its deltas into a throw-away etcd on this machine: checksums, chain, etcd's hash.")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        try (Session session = Session.open(options)) {
            Cluster cluster = BackupTargets.cluster(session.herd, clusterName);
            Snapshots snapshots = BackupTargets.snapshots(session, cluster);
            List<Map<String, Object>> rows = new ArrayList<>();
            boolean allGood = true;
            for (FullSnapshot full : snapshots.fulls()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", full.id());
                row.put("time", full.time().toString());
                row.put("revision", full.revision());
                row.put("size", full.size());
                row.put("keys", full.keys());
                row.put("deltas", snapshots.deltaNames(full.id()).size());
                if (verify) {
                    try {
                        List<Delta> deltas = snapshots.deltas(full, null);
                        try (ScratchMember scratch = ScratchMember.seed(snapshots.db(full), BackupTargets.etcdBinaries(), "snapshot " + full.id())) {
                            KeySpace.replay(scratch.client(), deltas);
                            KeySpace.Digest d = KeySpace.digest(scratch.client());
                            row.put("verified", "ok: restores to " + d.keys() + " keys" + (deltas.isEmpty() ? "" : " up to revision " + deltas.getLast().to()));
                        }
                    } catch (BackupException e) {
                        row.put("verified", "FAILED: " + e.getMessage());
                        allGood = false;
                    }
                }
                rows.add(row);
            }
            if (options.json) {
                System.out.println(Json.write(Map.of("type", "backups", "cluster", cluster.name(), "store", snapshots.store().describe(), "snapshots", rows)));
            } else if (rows.isEmpty()) {
                System.out.println("No snapshot of cluster '" + cluster.name() + "' in " + snapshots.store().describe() + " yet ('drover backup' takes one).");
            } else {
                System.out.println("Snapshots of cluster '" + cluster.name() + "' in " + snapshots.store().describe() + ":");
                System.out.printf("%-20s  %-24s  %10s  %12s  %8s  %6s%n", "ID", "TIME", "REVISION", "SIZE", "KEYS", "DELTAS");
                for (Map<String, Object> r : rows) {
                    System.out.printf("%-20s  %-24s  %10d  %12d  %8d  %6d%n", r.get("id"), r.get("time"), r.get("revision"), r.get("size"), r.get("keys"), r.get("deltas"));
                    if (r.containsKey("verified")) {
                        System.out.println("    " + r.get("verified"));
                    }
                }
            }
            return allGood ? ExitCodes.OK : ExitCodes.ERROR;
        }
    }
}
