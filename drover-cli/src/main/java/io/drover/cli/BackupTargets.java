package io.drover.cli;

import io.drover.backup.Snapshots;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Which etcd cluster a backup command means, and where its snapshots and the etcd tools are. */
final class BackupTargets {
    private BackupTargets() {}

    /** The cluster named by --cluster, or the herd's only etcd cluster with a {@code backup:} block. */
    static Cluster cluster(Herd herd, String name) {
        List<Cluster> backed = herd.clusters().values().stream().filter(c -> c.role() == Role.ETCD && c.etcd().backup() != null).toList();
        if (name == null) {
            if (backed.size() == 1) {
                return backed.getFirst();
            }
            throw new UserError(backed.isEmpty()
                    ? "no etcd cluster of herd '" + herd.name() + "' has a backup block: add 'backup: {}' under a cluster's etcd: block (see docs/disaster-recovery.md)"
                    : "herd '" + herd.name() + "' backs up several etcd clusters (" + String.join(", ", backed.stream().map(Cluster::name).toList())
                            + "): say which with --cluster NAME");
        }
        Cluster c = herd.clusters().get(name);
        if (c == null || c.role() != Role.ETCD) {
            throw new UserError("herd '" + herd.name() + "' has no etcd cluster '" + name + "'"
                    + (backed.isEmpty() ? "" : " (backed up: " + String.join(", ", backed.stream().map(Cluster::name).toList()) + ")"));
        }
        if (c.etcd().backup() == null) {
            throw new UserError("etcd cluster '" + name + "' has no backup block: add 'backup: {}' under its etcd: block");
        }
        return c;
    }

    /** The cluster's snapshots, encrypted with the state's key when the state is encrypted. */
    static Snapshots snapshots(Session session, Cluster cluster) throws io.drover.state.StateException {
        return Snapshots.of(session.herd.name(), cluster, session.codec());
    }

    /** The directory on PATH holding both etcd and etcdctl (Debian's etcd-server and etcd-client: /usr/bin). */
    static Path etcdBinaries() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path d = Path.of(dir.isEmpty() ? "." : dir);
            if (Files.isExecutable(d.resolve("etcdctl")) && Files.isExecutable(d.resolve("etcd"))) {
                return d;
            }
        }
        throw new UserError("restoring needs etcd and etcdctl on PATH (Debian: apt-get install etcd-server etcd-client)");
    }
}
