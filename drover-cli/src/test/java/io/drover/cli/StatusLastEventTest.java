package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.health.Health;
import io.drover.heal.HealEvent;
import io.drover.heal.ServerHealth;
import io.drover.state.ServerRecord;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code drover status} shows as a server's last event: never another server's health beside this one's. */
class StatusLastEventTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private final ServerHealth replacement = new ServerHealth(new ServerRecord("etcd[0]", "etcd", 0, 2, "etcd-0-2", "id-2", "127.0.0.2",
            "sha256:a", "sha256:i", T, false, Map.of()), null, Health.up(), false, false);

    @Test
    void theFailedCheckOfTheServerASlotReplacedIsNotShownBesideItsHealthyReplacement() {
        HealEvent healed = new HealEvent(T.plusSeconds(1), HealEvent.Kind.HEALED, "etcd", "etcd[0]", "etcd-0-2", "etcd-0-1 replaced by etcd-0-2, healthy", null);
        HealEvent oldFailing = new HealEvent(T.plusSeconds(2), HealEvent.Kind.FAILING, "etcd", "etcd[0]", "etcd-0-1", "failed a check: connection refused", null);

        HealEvent shown = StatusCommand.lastEvent(Map.of("etcd[0]", oldFailing, "etcd-0-2", healed), replacement);

        assertThat(shown).isEqualTo(healed);
    }

    @Test
    void aSlotEventThatNamesNoServerOrThisOneIsShown() {
        HealEvent backoff = new HealEvent(T.plusSeconds(2), HealEvent.Kind.BACKOFF, "etcd", "etcd[0]", null, "replaced recently", null);

        assertThat(StatusCommand.lastEvent(Map.of("etcd[0]", backoff), replacement)).isEqualTo(backoff);
    }
}
