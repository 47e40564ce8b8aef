package io.drover.backup;

import java.time.Instant;

/**
 * What Drover knows of a full snapshot, kept beside its bytes (the manifest).
 *
 * @param revision the cluster's revision just before the snapshot was taken: the snapshot holds at least every write up
 *     to it, and its deltas start right after it (a write both in the snapshot and in a delta is replayed harmlessly)
 * @param keys how many keys the cluster held at {@code revision}
 * @param size the snapshot's size in bytes
 */
public record FullSnapshot(String herd, String cluster, long revision, Instant time, long keys, long size) {

    private static final java.time.format.DateTimeFormatter ID =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /**
     * How users name it ({@code --snapshot ID}) and how its objects are named: the time it was taken, e.g.
     * {@code 20261207T004803123Z}. Not the revision: a restored cluster starts its revisions again, below its old snapshots'.
     */
    public String id() {
        return ID.format(time);
    }
}
