package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code drover plan} says what changed since the last apply, field by field (as Terraform does), in text and JSON,
 * against a real one-member etcd herd on the local provider.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanDiffTest {
    @TempDir
    static Path dir;

    private Path file;

    private static String herd(int electionTimeout, String motd) {
        return """
                herd: plan-diff
                provider:
                  type: local
                  addresses: 127.0.137.0/24
                clusters:
                  etcd:
                    size: 1
                    role: etcd
                    image: host
                    etcd:
                      flags:
                        heartbeat-interval: 100
                        election-timeout: %d
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/motd
                            contents: {inline: "%s"}
                """.formatted(electionTimeout, motd);
    }

    @BeforeAll
    void applyTheHerd() throws IOException {
        file = dir.resolve("drover.yaml");
        Files.writeString(file, herd(1000, "welcome"));
        Cli.Result apply = Cli.run("apply", "--auto-approve", "-f", file.toString());
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
    }

    @AfterAll
    void destroy() {
        Cli.run("destroy", "--auto-approve", "-f", file.toString());
    }

    @Test
    void planShowsEachChangedFieldSinceTheLastApplyInTextAndJson() throws IOException {
        Files.writeString(file, herd(1200, "welcome back"));

        Cli.Result text = Cli.run("plan", "--no-color", "-f", file.toString());
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("~ etcd.flags.election-timeout: 1000 -> 1200")
                .contains("~ firstBoot.files[/etc/motd].contents: welcome -> welcome back")
                .doesNotContain("image:");

        Cli.Result json = Cli.run("plan", "--json", "-f", file.toString());
        JsonNode change = Json.MAPPER.readTree(json.out()).get("changes").get(0);
        assertThat(change.get("action").asString()).isEqualTo("replace");
        assertThat(change.get("currentDigest").asString()).startsWith("sha256:"); // the fields plan --json had stay
        assertThat(change.get("diff").get("known").asBoolean()).isTrue();
        assertThat(change.get("diff").get("fields")).hasSize(2);
        JsonNode timeout = change.get("diff").get("fields").get(0);
        assertThat(timeout.get("path").asString()).isEqualTo("etcd.flags.election-timeout");
        assertThat(timeout.get("before").asString()).isEqualTo("1000");
        assertThat(timeout.get("after").asString()).isEqualTo("1200");
    }

    @Test
    void aStateWrittenBeforeDiffsWereRecordedStillPlansAndSaysTheDetailsAreUnknown() throws IOException {
        Path stateFile = dir.resolve(".drover").resolve("state.json");
        String recorded = Files.readString(stateFile);
        try {
            ObjectNode state = (ObjectNode) Json.MAPPER.readTree(recorded);
            ((ObjectNode) state.get("applied")).remove("identities");
            Files.writeString(stateFile, Json.MAPPER.writeValueAsString(state));
            Files.writeString(file, herd(1200, "welcome"));

            Cli.Result text = Cli.run("plan", "--no-color", "-f", file.toString());
            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.out()).contains("will be replaced").contains("what changed is unknown");
            JsonNode change = Json.MAPPER.readTree(Cli.run("plan", "--json", "-f", file.toString()).out()).get("changes").get(0);
            assertThat(change.get("diff").get("known").asBoolean()).isFalse();
        } finally {
            Files.writeString(stateFile, recorded);
        }
    }
}
