package io.drover.provider.openstack.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently a failed request is tried again: Drover's exponential {@link io.drover.retry.Backoff}
 * with "full jitter" (a random delay between zero and the exponential bound, so that many clients failing together
 * do not retry together), unless the server said how long to wait with {@code Retry-After}. The request loop itself
 * stays in {@link RestClient}: it must look before re-sending a create that may have gone through.
 *
 * @param maxAttempts tries in total, the first one included
 * @param baseDelay the bound for the first retry; doubled for each further one
 * @param maxDelay the largest bound backoff grows to
 * @param maxRetryAfter the longest {@code Retry-After} honoured; longer requests are cut to this
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    }

    /** Whether another try is allowed after {@code attempt} tries (1-based) failed. */
    public boolean allowsRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The pause before try number {@code attempt + 1}.
     *
     * @param attempt the tries made so far (1 after the first failure)
     * @param retryAfter what the server asked for, if anything
     */
    public Duration delayAfter(int attempt, Optional<Duration> retryAfter, RandomGenerator random) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.isNegative() ? Duration.ZERO : min(asked, maxRetryAfter);
        }
        return io.drover.retry.Backoff.exponential(baseDelay, maxDelay).withJitter().delay(attempt, random);
    }

    /** The exponential bound for the pause after {@code attempt} tries: base * 2^(attempt-1), capped. */
    public Duration backoffBound(int attempt) {
        return io.drover.retry.Backoff.exponential(baseDelay, maxDelay).bound(Math.max(attempt, 1));
    }

    /**
     * Reads a {@code Retry-After} header: either delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
     * Unreadable values are ignored, so the normal backoff applies.
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
