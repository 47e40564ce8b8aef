package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void backoffBoundDoublesPerAttemptUpToTheCap() {
        assertThat(policy.backoffBound(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffBound(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoffBound(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoffBound(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoffBound(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffBound(60)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitteredDelayStaysWithinTheBoundAndVaries() {
        Random random = new Random(7);
        java.util.Set<Duration> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration delay = policy.delayAfter(3, Optional.empty(), random);
            assertThat(delay).isBetween(Duration.ZERO, Duration.ofMillis(400));
            seen.add(delay);
        }
        assertThat(seen).hasSizeGreaterThan(150); // full jitter, not a fixed pause
    }

    @Test
    void retryAfterWinsOverBackoffButIsCapped() {
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(5)), new Random(1))).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(1)), new Random(1))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parsesRetryAfterInSecondsAndAsHttpDate() {
        Instant now = Instant.parse("2025-01-02T03:04:05Z");
        assertThat(RetryPolicy.parseRetryAfter("7", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.parseRetryAfter("Thu, 02 Jan 2025 03:04:15 GMT", now)).contains(Duration.ofSeconds(10));
        assertThat(RetryPolicy.parseRetryAfter("Thu, 02 Jan 2025 03:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon", now)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(null, now)).isEmpty();
    }

    @Test
    void countsAttemptsIncludingTheFirst() {
        assertThat(policy.allowsRetryAfter(5)).isTrue();
        assertThat(policy.allowsRetryAfter(6)).isFalse();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
