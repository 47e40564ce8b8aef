package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlScalar;
import java.nio.file.Path;

/** Reads an etcd cluster's {@code backup:} block. */
final class BackupReader {
    /** The herd file's directory: backups go to {@code .drover/backups} under it unless {@code to:} says otherwise. */
    private final Path directory;
    private final Problems problems;

    BackupReader(Path directory, Problems problems) {
        this.directory = directory;
        this.problems = problems;
    }

    /** The {@code backup:} block, or null when absent (or wrong: the problem is reported). */
    BackupSpec read(MapReader etcd) {
        Entry entry = etcd.entry("backup");
        if (entry == null) {
            return null;
        }
        MapReader b = MapReader.of(entry, "backup", Shape.Herd.BACKUP, problems);
        if (b == null) {
            return null;
        }
        java.time.Duration full = b.duration("full");
        java.time.Duration delta = b.duration("delta");
        Long keep = b.integer("keep", 1, 10_000, false);
        String to = b.string("to");
        full = full == null ? BackupSpec.DEFAULT_FULL : full;
        delta = delta == null ? BackupSpec.DEFAULT_DELTA : delta;
        if (delta.compareTo(full) >= 0) {
            Entry at = b.has("delta") ? b.entry("delta") : b.entry("full");
            problems.add(at == null ? entry.keyPosition() : at.value().position(),
                    "the delta period (" + delta.toString().substring(2).toLowerCase() + ") must be shorter than the full period (" + full.toString().substring(2).toLowerCase() + ")",
                    "e.g. full: 1h and delta: 10s (at most one delta period of writes is at risk)");
        }
        Path dir = directory.resolve(".drover").resolve("backups");
        if (to != null) {
            if (to.isBlank() || to.contains("\0")) {
                problems.add(b.entry("to").value().position(), "'to' must be a directory", "e.g. to: /var/backups/etcd");
            } else {
                dir = directory.resolve(to).normalize();
            }
        }
        java.time.Duration autoRestore = null;
        Entry auto = b.entry("autoRestore");
        if (auto != null) {
            // 'autoRestore: after 2m' reads as what it does; 'autoRestore: 2m' is the same
            String text = auto.value() instanceof YamlScalar sc && !sc.isNull() ? sc.text().strip() : "";
            autoRestore = Durations.parse(text.startsWith("after ") ? text.substring(6).strip() : text);
            if (autoRestore == null || autoRestore.isZero()) {
                problems.add(auto.value().position(), "'autoRestore' must be a duration, got '" + Problems.shown(text) + "'",
                        "e.g. autoRestore: after 2m (heal restores the cluster once it has been without quorum that long)");
                autoRestore = null;
            }
        }
        return new BackupSpec(full, delta, keep == null ? BackupSpec.DEFAULT_KEEP : keep.intValue(), dir, autoRestore);
    }
}
