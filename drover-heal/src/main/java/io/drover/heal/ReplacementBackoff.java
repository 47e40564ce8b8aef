package io.drover.heal;

import java.time.Duration;

/**
 * How long heal waits before replacing the same slot again, so a server that keeps failing (a bad image, a
 * full disk) is not replaced in a tight loop. The first replacement of a slot is immediate; each further one
 * within {@code resetAfter} of the previous waits {@code initial}, then twice that, up to {@code max}.
 */
public record ReplacementBackoff(Duration initial, Duration max, Duration resetAfter) {
    public static final ReplacementBackoff DEFAULT = new ReplacementBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(10));
    /** No waiting at all: for tests and benchmarks that kill the same slot on purpose. */
    public static final ReplacementBackoff NONE = new ReplacementBackoff(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public ReplacementBackoff {
        if (initial.isNegative() || max.compareTo(initial) < 0 || resetAfter.isNegative()) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max and resetAfter >= 0");
        }
    }

    /** The wait after {@code recent} replacements of a slot in a row (recent >= 1). */
    Duration delayAfter(int recent) {
        return io.drover.retry.Backoff.exponential(initial, max).bound(recent);
    }
}
