package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealMetricsTest {
    @Test
    void exposesReplacementsDurationsAndServerCountsForPrometheus() {
        HealMetrics metrics = new HealMetrics();
        metrics.replaced("etcd", "missing");
        metrics.replaced("etcd", "missing");
        metrics.replaced("web", "unhealthy");
        metrics.detected("etcd", Duration.ofMillis(800));
        metrics.healed("etcd", Duration.ofMillis(2500));
        metrics.servers("etcd", 2, 3);

        String text = metrics.scrape();
        assertThat(text).contains("drover_replacements_total{cluster=\"etcd\",reason=\"missing\"} 2.0")
                .contains("drover_replacements_total{cluster=\"web\",reason=\"unhealthy\"} 1.0")
                .contains("drover_heal_detection_seconds_count{cluster=\"etcd\"} 1")
                .contains("drover_heal_detection_seconds_bucket{cluster=\"etcd\",le=")
                .contains("drover_heal_duration_seconds_sum{cluster=\"etcd\"} 2.5")
                .contains("drover_servers_healthy{cluster=\"etcd\"} 2.0")
                .contains("drover_servers{cluster=\"etcd\"} 3.0");
    }

    @Test
    void servesMetricsOnLoopbackOnly() throws Exception {
        HealMetrics metrics = new HealMetrics();
        metrics.servers("web", 3, 3);
        try (MetricsServer server = MetricsServer.start(metrics, 0); HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(r.body()).contains("drover_servers_healthy{cluster=\"web\"} 3.0");
        }
    }
}
