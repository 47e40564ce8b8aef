package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    @TempDir
    Path dir;

    private static HealEvent event(int i, String server) {
        return new HealEvent(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i), HealEvent.Kind.HEALED, "etcd", "etcd[0]", server,
                "event " + i, Duration.ofMillis(1500));
    }

    @Test
    void appendedEventsReadBackAsWritten() {
        EventLog log = new EventLog(dir);
        assertThat(log.append(event(1, "etcd-0-2"))).isNull();
        assertThat(log.read()).containsExactly(event(1, "etcd-0-2"));
        assertThat(log.file()).isEqualTo(dir.resolve("events.jsonl"));
    }

    @Test
    void staysBoundedByRollingOverToOnePreviousFile() throws Exception {
        EventLog log = new EventLog(dir, 2_000);
        for (int i = 0; i < 200; i++) {
            assertThat(log.append(event(i, "etcd-0-" + i))).isNull();
        }
        assertThat(Files.size(dir.resolve("events.jsonl"))).isLessThanOrEqualTo(2_000);
        assertThat(Files.size(dir.resolve("events.jsonl.1"))).isLessThanOrEqualTo(2_000);
        assertThat(log.read()).isNotEmpty().last().isEqualTo(event(199, "etcd-0-199"));
    }

    @Test
    void lastEventIsFoundByServerAndBySlot() {
        EventLog log = new EventLog(dir);
        log.append(event(1, "etcd-0-1"));
        log.append(event(2, "etcd-0-2"));
        var last = log.lastBySubject();
        assertThat(last.get("etcd-0-1").message()).isEqualTo("event 1");
        assertThat(last.get("etcd[0]").message()).isEqualTo("event 2");
    }

    @Test
    void aTornLastLineDoesNotHideTheOthers() throws Exception {
        EventLog log = new EventLog(dir);
        log.append(event(1, "etcd-0-1"));
        Files.writeString(dir.resolve("events.jsonl"), "{\"time\":\"2025-", StandardOpenOption.APPEND);
        assertThat(log.read()).containsExactly(event(1, "etcd-0-1"));
    }
}
