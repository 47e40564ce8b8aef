package io.drover.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next try: {@code initial}, doubled after each further failure, capped at {@code max}.
 * With {@link Jitter#FULL} the wait is drawn between zero and that bound ("full jitter"), so that many clients
 * failing together do not retry together; with {@link Jitter#NONE} it is the bound itself.
 */
public record Backoff(Duration initial, Duration max, Jitter jitter) {

    /** Whether waits are randomised. */
    public enum Jitter { NONE, FULL }

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(jitter, "jitter");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, Jitter.NONE);
    }

    public Backoff withJitter() {
        return new Backoff(initial, max, Jitter.FULL);
    }

    /** The bound for the wait after {@code failures} failed tries (1 after the first failure): initial * 2^(failures-1), capped. */
    public Duration bound(int failures) {
        if (failures <= 0 || initial.isZero()) {
            return Duration.ZERO;
        }
        long nanos = initial.toNanos();
        for (int i = 1; i < failures && nanos < max.toNanos(); i++) {
            nanos = nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
        }
        return Duration.ofNanos(Math.min(nanos, max.toNanos()));
    }

    /** The wait after {@code failures} failed tries. */
    public Duration delay(int failures, RandomGenerator random) {
        Duration bound = bound(failures);
        return jitter == Jitter.NONE || bound.isZero() ? bound : Duration.ofNanos(random.nextLong(bound.toNanos() + 1));
    }
}
