package io.drover.heal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heal's Prometheus metrics: replacements by cluster and reason, detection and heal durations (histograms),
 * and per cluster how many servers are healthy out of how many recorded.
 */
public final class HealMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicInteger> healthy = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> total = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> quorumLost = new ConcurrentHashMap<>();
    private final Counter passes = Counter.builder("drover.heal.passes").description("Heal passes run").register(registry);
    private final AtomicInteger leader = new AtomicInteger();
    private final Counter leaderships = Counter.builder("drover.heal.leadership.changes")
            .description("Times this replica took or gave up the lead").register(registry);

    public HealMetrics() {
        Gauge.builder("drover.heal.leader", leader, AtomicInteger::get).description("1 while this heal replica leads").register(registry);
    }

    /** This replica took the lead (true) or gave it up (false). */
    public void leading(boolean now) {
        leader.set(now ? 1 : 0);
        leaderships.increment();
    }

    public void replaced(String cluster, String reason) {
        Counter.builder("drover.replacements").description("Servers replaced by heal")
                .tag("cluster", cluster).tag("reason", reason).register(registry).increment();
    }

    /** First failed check (or the provider's report of its death) to the decision to replace. */
    public void detected(String cluster, Duration d) {
        timer("drover.heal.detection", "First failed health check to the decision to replace", cluster).record(d);
    }

    /** Decision to replace to the replacement answering its health check. */
    public void healed(String cluster, Duration d) {
        timer("drover.heal.duration", "Decision to replace to a healthy replacement", cluster).record(d);
    }

    public void servers(String cluster, int healthyNow, int totalNow) {
        gauge(healthy, "drover.servers.healthy", "Servers answering their health check", cluster).set(healthyNow);
        gauge(total, "drover.servers", "Servers recorded in the state", cluster).set(totalNow);
    }

    public void quorumLost(String cluster, boolean lost) {
        gauge(quorumLost, "drover.etcd.quorum.lost", "1 while an etcd cluster has lost quorum", cluster).set(lost ? 1 : 0);
    }

    public void pass() {
        passes.increment();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private Timer timer(String name, String description, String cluster) {
        return Timer.builder(name).description(description).tag("cluster", cluster)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(50)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    private AtomicInteger gauge(Map<String, AtomicInteger> values, String name, String description, String cluster) {
        return values.computeIfAbsent(cluster, c -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder(name, v, AtomicInteger::get).description(description).tag("cluster", c).register(registry);
            return v;
        });
    }
}
