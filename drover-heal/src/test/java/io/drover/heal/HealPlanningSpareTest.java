package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.addr.SlotAddress;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import io.drover.plan.Reason;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Heal's backoff with spares: a spare made a moment ago holds back only the next spare, never the promotion of a spare. */
class HealPlanningSpareTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static ServerRecord record(int slot, boolean spare) {
        String name = "etcd-" + slot + "-1";
        return new ServerRecord(ServerRecord.resource("etcd", slot), "etcd", slot, 1, name, "id-" + name, "127.0.0." + (10 + slot), "sha256:a",
                "sha256:i", NOW, false, Map.of()).asSpare(spare);
    }

    private static Plan promotion() {
        Change promote = Change.promote(new SlotAddress("etcd", 1), Reason.MISSING, record(1, false), record(3, true));
        Change newSpare = new Change(Action.CREATE, new SlotAddress("etcd", 3), Reason.SPARE_PROMOTED, null, false, false, Change.Stage.SPARE,
                "sha256:a");
        return new Plan("h", State.empty("h"), List.of(promote, newSpare), Map.of(), List.of(), false, Set.of());
    }

    @Test
    void aSpareSlotInBackoffHoldsOnlyItselfAndThePromotionGoesAhead() {
        HealthTracker tracker = new HealthTracker(ReplacementBackoff.DEFAULT);
        tracker.replaced("etcd[3]", NOW.minusSeconds(1)); // the spare made by the last promotion

        Plan prepared = HealPlanning.prepare(promotion(), Set.of(), tracker, HealListener.NONE, NOW);

        assertThat(prepared.changes()).extracting(Change::action).containsExactly(Action.PROMOTE);
    }

    @Test
    void aMemberSlotInBackoffStillHoldsItsCluster() {
        HealthTracker tracker = new HealthTracker(ReplacementBackoff.DEFAULT);
        tracker.replaced("etcd[1]", NOW.minusSeconds(1));

        Plan prepared = HealPlanning.prepare(promotion(), Set.of(), tracker, HealListener.NONE, NOW);

        assertThat(prepared.changes()).isEmpty();
    }

    @Test
    void withNoBackoffBothGo() {
        Plan prepared = HealPlanning.prepare(promotion(), Set.of(), new HealthTracker(ReplacementBackoff.DEFAULT), HealListener.NONE, NOW);

        assertThat(prepared.changes()).extracting(Change::action).containsExactly(Action.PROMOTE, Action.CREATE);
    }
}
