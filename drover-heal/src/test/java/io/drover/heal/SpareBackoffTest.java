package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.addr.SlotAddress;
import io.drover.apply.Event;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A spare made again because its predecessor took a member's place did not fail: it starts no backoff of its slot,
 * so a herd that loses several members in a row gets its next spare at once each time. A spare slot whose server
 * had to be replaced for another reason does.
 */
class SpareBackoffTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    /** The tracker after heal made the spare slot's server for this reason. */
    private static HealthTracker afterMakingTheSpare(Reason reason) {
        HealthTracker tracker = new HealthTracker(ReplacementBackoff.DEFAULT);
        HealNarrator narrator = new HealNarrator(HealListener.NONE, new HealMetrics(), tracker, Clock.fixed(NOW, ZoneOffset.UTC));
        Change create = new Change(Action.CREATE, new SlotAddress("etcd", 3), reason, null, false, false, Change.Stage.SPARE, "sha256:a");
        narrator.announce(List.of(create), Map.of(), Map.of());
        narrator.onEngineEvent(new Event.Finished("etcd[3]", Action.CREATE, "etcd-3-2", Duration.ofSeconds(3)));
        return tracker;
    }

    @Test
    void aSpareMadeAgainAfterAPromotionStartsNoBackoff() {
        assertThat(afterMakingTheSpare(Reason.SPARE_PROMOTED).backoff("etcd[3]", NOW.plusMillis(100))).isEmpty();
    }

    @Test
    void aSpareReplacedBecauseItWasGoneStartsItsSlotsBackoff() {
        assertThat(afterMakingTheSpare(Reason.MISSING).backoff("etcd[3]", NOW.plusMillis(100))).isPresent();
    }
}
