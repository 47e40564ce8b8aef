package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.health.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Health UP = Health.up();
    private static final Health REFUSED = new Health(Health.Status.DOWN, "connection refused");
    private static final Health TIMEOUT = new Health(Health.Status.TIMEOUT, "no answer within 500 ms");

    private final HealthTracker tracker = new HealthTracker(new ReplacementBackoff(Duration.ofSeconds(5), Duration.ofSeconds(40), Duration.ofMinutes(10)));

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void replacesOnlyAfterTheClustersNumberOfConsecutiveFailures() {
        assertThat(tracker.observe("etcd-0-1", TIMEOUT, 3, false, at(0)).unhealthy()).isFalse();
        assertThat(tracker.observe("etcd-0-1", TIMEOUT, 3, false, at(250)).unhealthy()).isFalse();
        HealthTracker.Verdict third = tracker.observe("etcd-0-1", REFUSED, 3, false, at(500));
        assertThat(third.unhealthy()).isTrue();
        assertThat(third.failures()).isEqualTo(3);
        assertThat(third.firstFailure()).as("detection is measured from the first failure").isEqualTo(at(0));
    }

    @Test
    void aPassedCheckResetsTheRun() {
        tracker.observe("web-0-1", REFUSED, 3, false, at(0));
        tracker.observe("web-0-1", REFUSED, 3, false, at(250));
        tracker.observe("web-0-1", UP, 3, false, at(500));
        HealthTracker.Verdict v = tracker.observe("web-0-1", REFUSED, 3, false, at(750));
        assertThat(v.unhealthy()).isFalse();
        assertThat(v.failures()).isEqualTo(1);
        assertThat(v.firstFailure()).isEqualTo(at(750));
    }

    @Test
    void aServerTheProviderReportsGoneIsDeadAtOnce() {
        HealthTracker.Verdict v = tracker.observe("etcd-1-1", REFUSED, 3, true, at(100));
        assertThat(v.unhealthy()).isTrue();
        assertThat(v.firstFailure()).isEqualTo(at(100));
    }

    @Test
    void forgetsServersThatNoLongerExist() {
        tracker.observe("a", REFUSED, 3, false, at(0));
        tracker.observe("b", REFUSED, 3, false, at(0));
        tracker.retainServers(Set.of("b"));
        assertThat(tracker.run("a").failures()).isZero();
        assertThat(tracker.run("b").failures()).isEqualTo(1);
    }

    @Test
    void firstReplacementOfASlotIsImmediateLaterOnesBackOffExponentially() {
        assertThat(tracker.backoff("etcd[0]", at(0))).isEmpty();
        tracker.replaced("etcd[0]", at(0));
        assertThat(tracker.backoff("etcd[0]", at(1_000))).contains(Duration.ofSeconds(4));
        assertThat(tracker.backoff("etcd[0]", at(5_000))).isEmpty();
        tracker.replaced("etcd[0]", at(5_000));
        assertThat(tracker.backoff("etcd[0]", at(5_000))).contains(Duration.ofSeconds(10));
        tracker.replaced("etcd[0]", at(15_000));
        assertThat(tracker.backoff("etcd[0]", at(15_000))).contains(Duration.ofSeconds(20));
        tracker.replaced("etcd[0]", at(35_000));
        tracker.replaced("etcd[0]", at(75_000));
        assertThat(tracker.backoff("etcd[0]", at(75_000))).as("capped at max").contains(Duration.ofSeconds(40));
        assertThat(tracker.backoff("etcd[1]", at(75_000))).as("other slots are not affected").isEmpty();
    }

    @Test
    void backoffResetsAfterAQuietPeriod() {
        tracker.replaced("web[2]", at(0));
        tracker.replaced("web[2]", at(5_000));
        tracker.replaced("web[2]", at(15_000));
        Instant later = at(15_000).plus(Duration.ofMinutes(11));
        assertThat(tracker.backoff("web[2]", later)).isEmpty();
        tracker.replaced("web[2]", later);
        assertThat(tracker.backoff("web[2]", later)).as("counts from one again").contains(Duration.ofSeconds(5));
    }

    @Test
    void noBackoffNeverWaits() {
        HealthTracker none = new HealthTracker(ReplacementBackoff.NONE);
        none.replaced("etcd[0]", at(0));
        none.replaced("etcd[0]", at(1));
        assertThat(none.backoff("etcd[0]", at(1))).isEmpty();
    }

    @Test
    void timeoutsOfAServerNeverSeenHealthyDoNotCountWhileHealIsStarting() {
        HealthTracker starting = new HealthTracker(ReplacementBackoff.NONE, at(10_000));
        for (int i = 0; i < 5; i++) {
            assertThat(starting.observe("etcd-0-1", TIMEOUT, 3, false, at(i * 250L)).unhealthy()).as("check %d", i).isFalse();
        }
        assertThat(starting.run("etcd-0-1").failures()).isZero();
    }

    @Test
    void whileHealIsStartingARefusedCheckOrAServerSeenHealthyStillCounts() {
        HealthTracker starting = new HealthTracker(ReplacementBackoff.NONE, at(10_000));
        assertThat(starting.observe("dead", REFUSED, 1, false, at(0)).unhealthy()).isTrue();
        starting.observe("frozen", UP, 1, false, at(0));
        assertThat(starting.observe("frozen", TIMEOUT, 1, false, at(250)).unhealthy()).isTrue();
    }

    @Test
    void afterTheStartTimeoutsOfAServerNeverSeenHealthyCount() {
        HealthTracker started = new HealthTracker(ReplacementBackoff.NONE, at(1_000));
        assertThat(started.observe("etcd-0-1", TIMEOUT, 1, false, at(2_000)).unhealthy()).isTrue();
    }
}
