package io.drover.backup;

import java.time.Instant;
import java.util.List;

/**
 * The changes a cluster made in one delta period, as its watch reported them, in revision order.
 *
 * @param full the id of the full snapshot this delta continues ({@link FullSnapshot#id()})
 * @param after the last revision the previous delta (or the full snapshot) covered: the deltas of a full snapshot form
 *     an unbroken chain, each one's {@code after} the previous one's {@code to}
 * @param to the last revision this delta covers
 */
public record Delta(String herd, String cluster, String full, long after, long to, Instant time, List<Change> changes) {
    public Delta {
        changes = List.copyOf(changes);
    }

    /** One key's change: a put of {@code value}, or a delete ({@code value} null). */
    public record Change(long revision, byte[] key, byte[] value) {
        public boolean delete() {
            return value == null;
        }
    }
}
