package io.drover.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code backup:} block of an etcd cluster's {@code etcd:} options: a full snapshot every {@code full}, the changes
 * since it (watch events) written every {@code delta}, the newest {@code keep} full snapshots (each with its deltas) kept.
 *
 * @param to the directory snapshots go to, absolute (a relative one in the herd file is resolved against the herd file's
 *     directory); by default {@code .drover/backups} next to the herd file (where the file state lives)
 * @param autoRestore how long {@code drover heal} lets the cluster stay without quorum before it restores it from
 *     these backups by itself; null (the default) for never
 */
public record BackupSpec(Duration full, Duration delta, int keep, Path to, Duration autoRestore) {

    /** Backups without automatic restore. */
    public BackupSpec(Duration full, Duration delta, int keep, Path to) {
        this(full, delta, keep, to, null);
    }

    public static final Duration DEFAULT_FULL = Duration.ofHours(1);
    public static final Duration DEFAULT_DELTA = Duration.ofSeconds(10);
    public static final int DEFAULT_KEEP = 24;
}
