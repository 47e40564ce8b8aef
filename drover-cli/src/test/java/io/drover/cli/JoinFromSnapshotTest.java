package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.EtcdWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A member that joins a real etcd cluster from a snapshot (every join, once the cluster has taken its first one)
 * serves within seconds. etcd 3.4 often has such a member wait for its own publication, which the snapshot already
 * holds, until its request timeout, here 7 s (5 s plus two election timeouts of 1 s), serving no client meanwhile;
 * Drover sees a voting member that answers no client and restarts it, which serves at once.
 */
class JoinFromSnapshotTest {
    @TempDir
    Path dir;

    /** Well under etcd's own 7 s retry, with room for a loaded machine: a restart takes about a second here. */
    private static final Duration JOIN_BOUND = Duration.ofSeconds(5);

    @Test
    void membersJoiningFromASnapshotServeWithinSecondsAndNoWriteIsLost() throws Exception {
        try (LocalEtcdHerd herd = new LocalEtcdHerd(dir, "join-snap", "127.0.86.0/24")) {
            herd.write(100, 50); // a snapshot every 50 entries: the writes below make the members take several
            Cli.Result applied = herd.drover("apply", "--auto-approve");
            assertThat(applied.exitCode()).as(applied.toString()).isZero();
            try (EtcdWriter writer = herd.writer().start("w/")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.acknowledged().size() > 200);

                herd.write(150, 50); // a new heartbeat interval: every member is replaced, one by one, each joining anew
                Cli.Result r = herd.drover("apply", "--auto-approve", "--json");

                assertThat(r.exitCode()).as(r.toString()).isZero();
                Map<String, Duration> joins = joinTimes(r.out());
                // Not every join from a snapshot stalls (it depends on whether the leader's snapshot already holds the
                // member's publication), but most do: without the restart, this roll almost always has one at 7 s or more.
                System.out.println("time from admission to healthy: " + joins + "; restarted: "
                        + r.out().lines().filter(l -> l.contains("\"message\":\"restarted ")).count());
                assertThat(joins).as("time from admission to healthy, per new member\n" + r.out()).hasSize(3)
                        .allSatisfy((server, took) -> assertThat(took).isLessThanOrEqualTo(LocalEtcdHerd.bound(JOIN_BOUND)));
                herd.assertWhole(writer, "after the roll");
                LocalEtcdHerd.assertNoWriteLost(writer, "after the roll");
            }
        }
    }

    /** For each "waiting for NAME to become healthy", the time until the next event of the same resource. */
    private static Map<String, Duration> joinTimes(String jsonLines) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            if (line.startsWith("{")) {
                events.add(Json.MAPPER.readTree(line));
            }
        }
        Map<String, Duration> joins = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            String message = e.path("message").asString("");
            if (!message.startsWith("waiting for ") || !message.endsWith(" to become healthy")) {
                continue; // not a health wait (e.g. "waiting for the cluster to accept ...")
            }
            String resource = e.path("resource").asString("");
            for (JsonNode next : events.subList(i + 1, events.size())) {
                if (next.path("resource").asString("").equals(resource) && !next.path("message").asString("").startsWith("restarted ")) {
                    joins.put(message.split(" ")[2], Duration.between(Instant.parse(e.path("time").asString()),
                            Instant.parse(next.path("time").asString())));
                    break;
                }
            }
        }
        return joins;
    }
}
