package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.state.ServerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The web-local example (python http.server, http health check): dead and frozen servers are simply replaced. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebHealTest {
    @TempDir
    static Path dir;

    private TestHerd herd;

    @BeforeAll
    void bringUp() throws Exception {
        String example = Files.readString(Path.of("..", "examples", "web-local", "drover.yaml"))
                .replace("  type: local\n", "  type: local\n  addresses: 127.0.93.0/24\n");
        herd = new TestHerd(dir, example);
        herd.apply();
        herd.startHealing(ReplacementBackoff.DEFAULT);
    }

    @AfterAll
    void destroy() throws Exception {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    void killedAndFrozenServersAreReplaced() throws Exception {
        for (String signal : List.of("KILL", "STOP")) {
            ServerRecord victim = herd.servers().get(signal.equals("KILL") ? 0 : 1);
            herd.signal(victim, signal);
            await(signal + " " + victim.name()).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(herd.servers()).as(herd.eventLog()).extracting(ServerRecord::name).doesNotContain(victim.name()).hasSize(3);
                assertThat(herd.allHealthy(3)).isTrue();
            });
            assertThat(herd.events).as(herd.eventLog()).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo(HealEvent.Kind.HEALED);
                assertThat(e.resource()).isEqualTo(victim.resource());
            });
        }
        String metrics = herd.metrics.scrape();
        assertThat(metrics).contains("drover_replacements_total{cluster=\"web\",reason=\"not_running\"} 1.0")
                .contains("drover_replacements_total{cluster=\"web\",reason=\"unhealthy\"} 1.0")
                .contains("drover_servers{cluster=\"web\"} 3.0");
    }
}
