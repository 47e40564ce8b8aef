package io.drover.heal;

import io.drover.health.Health;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.view.HealthView;
import java.time.Duration;
import java.time.Instant;

/**
 * One recorded server and how it is doing now.
 *
 * @param instance what the provider reports for it, {@code null} when the provider no longer has it
 * @param gone the provider reports it stopped, failed or missing: dead, whatever a check would say
 * @param starting the provider is still building it: not checked, not counted as failing
 */
public record ServerHealth(ServerRecord record, Instance instance, Health health, boolean gone, boolean starting) {

    public String name() {
        return record.name();
    }

    public Duration age(Instant now) {
        return record.createdAt() == null ? Duration.ZERO : Duration.between(record.createdAt(), now);
    }

    /** Answered at all (healthy or not): for etcd, a member that can still vote. */
    public boolean reachable() {
        return !gone && !starting && (health.status() == Health.Status.UP || health.status() == Health.Status.SICK);
    }

    /** As the herd views show it: {@code starting} while the provider builds it, else the checked status. */
    public HealthView view() {
        return new HealthView(starting ? "starting" : health.status().name().toLowerCase(), health.detail());
    }
}
