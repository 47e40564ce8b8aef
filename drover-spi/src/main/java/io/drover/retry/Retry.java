package io.drover.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Tries an operation again after failures that may pass (a timeout, a busy server, a leader election), waiting
 * according to a {@link Backoff}, until it succeeds, fails in a way that will not pass, or runs out of attempts or
 * time. Time is injected (clock and sleeper), so retry logic is tested without waiting.
 *
 * <p>Instances are immutable; {@code with...} methods return changed copies.
 *
 * @param deadline the longest time retries may take, counted from the first try; null for no limit
 * @param maxAttempts tries in total, the first one included
 */
public record Retry(Backoff backoff, Duration deadline, int maxAttempts, Clock clock, Sleeper sleeper, RandomGenerator random) {

    /** An operation that may be tried again; being interrupted ends the retries. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T call() throws E, InterruptedException;
    }

    /**
     * Implemented by failures that know how long to wait before the next try (an HTTP {@code Retry-After}): that
     * wait replaces the backoff's.
     */
    public interface Hinted {
        Optional<Duration> retryAfter();
    }

    public Retry {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(random, "random");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** Retries with this backoff on the system clock, until {@code deadline} has passed. */
    public static Retry until(Duration deadline, Backoff backoff) {
        return new Retry(backoff, deadline, Integer.MAX_VALUE, Clock.systemUTC(), Sleeper.SYSTEM, RandomGenerator.getDefault());
    }

    /** Retries with this backoff on the system clock, {@code maxAttempts} tries in total. */
    public static Retry attempts(int maxAttempts, Backoff backoff) {
        return new Retry(backoff, null, maxAttempts, Clock.systemUTC(), Sleeper.SYSTEM, RandomGenerator.getDefault());
    }

    public Retry withTime(Clock newClock, Sleeper newSleeper) {
        return new Retry(backoff, deadline, maxAttempts, newClock, newSleeper, random);
    }

    public Retry withRandom(RandomGenerator newRandom) {
        return new Retry(backoff, deadline, maxAttempts, clock, sleeper, newRandom);
    }

    public Retry withDeadline(Duration newDeadline) {
        return new Retry(backoff, newDeadline, maxAttempts, clock, sleeper, random);
    }

    /**
     * Calls {@code attempt} until it returns. A failure that {@code retryable} rejects, or the last one when attempts
     * or time run out, is thrown as it is.
     */
    public <T, E extends Exception> T call(Attempt<T, E> attempt, Predicate<? super E> retryable) throws E, InterruptedException {
        Instant end = deadline == null ? null : clock.instant().plus(deadline);
        for (int tries = 1; ; tries++) {
            try {
                return attempt.call();
            } catch (RuntimeException | InterruptedException notRetried) {
                throw notRetried; // a bug, or a request to stop: never retried
            } catch (Exception e) {
                @SuppressWarnings("unchecked")
                E failure = (E) e; // the attempt declares only E
                if (!retryable.test(failure) || tries >= maxAttempts) {
                    throw failure;
                }
                Duration pause = e instanceof Hinted h && h.retryAfter().isPresent() ? h.retryAfter().get() : backoff.delay(tries, random);
                if (end != null) {
                    Duration left = Duration.between(clock.instant(), end);
                    if (!left.isPositive()) {
                        throw failure;
                    }
                    if (pause.compareTo(left) > 0) {
                        pause = left;
                    }
                }
                sleeper.sleep(pause);
            }
        }
    }

    /**
     * Calls {@code probe} until it returns a value or time runs out (a poll: BUILD until ACTIVE, a port until it
     * answers). Waits grow by the backoff between probes.
     *
     * @return the first value, or empty when the deadline passed first
     */
    public <T, E extends Exception> Optional<T> poll(Attempt<Optional<T>, E> probe) throws E, InterruptedException {
        Instant end = deadline == null ? null : clock.instant().plus(deadline);
        for (int tries = 1; ; tries++) {
            Optional<T> result = probe.call();
            if (result.isPresent()) {
                return result;
            }
            if (tries >= maxAttempts) {
                return Optional.empty();
            }
            Duration pause = backoff.delay(tries, random);
            if (end != null) {
                Duration left = Duration.between(clock.instant(), end);
                if (!left.isPositive()) {
                    return Optional.empty();
                }
                if (pause.compareTo(left) > 0) {
                    pause = left;
                }
            }
            sleeper.sleep(pause);
        }
    }
}
