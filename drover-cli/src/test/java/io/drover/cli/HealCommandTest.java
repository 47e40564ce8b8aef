package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.local.LocalProvider;
import io.drover.provider.local.LocalProviderFactory;
import io.drover.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code drover heal --once} and {@code drover status} on the web-local example, as a user would run them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealCommandTest {
    private static final String ADDRESSES = "127.0.94.0/24";

    @TempDir
    static Path dir;

    private Path herdFile;

    @BeforeAll
    void applyTheExample() throws Exception {
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, Files.readString(Path.of("..", "examples", "web-local", "drover.yaml"))
                .replace("  type: local\n", "  type: local\n  addresses: " + ADDRESSES + "\n"));
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
    }

    @AfterAll
    void destroy() {
        drover("destroy", "--auto-approve");
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herdFile.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void healOnceReplacesAKilledServerAndStatusShowsTheEvent() throws Exception {
        JsonNode show = Json.MAPPER.readTree(drover("show", "--json").out());
        String victim = show.get("servers").get(2).get("name").asString();
        String resource = show.get("servers").get(2).get("resource").asString();
        try (LocalProvider provider = (LocalProvider) new LocalProviderFactory().open(new ProviderContext("web-local",
                Map.of("addresses", ADDRESSES), dir.resolve(".drover"), System.getenv()))) {
            OptionalLong pgid = provider.processGroup(victim);
            assertThat(pgid).isPresent();
            assertThat(pgid.getAsLong()).isGreaterThan(1);
            // "--" matters: without it this machine's kill(1) misreads "-PGID".
            assertThat(new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).start().waitFor()).isZero();
        }

        Cli.Result heal = drover("heal", "--once", "--json");
        assertThat(heal.exitCode()).as(heal.toString()).isZero();
        List<JsonNode> events = heal.out().lines().filter(l -> l.startsWith("{")).map(Json.MAPPER::readTree).toList();
        assertThat(events).as(heal.out()).anySatisfy(e -> {
            assertThat(e.get("type").asString()).isEqualTo("detected");
            assertThat(e.get("server").asString()).isEqualTo(victim);
        });
        assertThat(events).as(heal.out()).anySatisfy(e -> {
            assertThat(e.get("type").asString()).isEqualTo("healed");
            assertThat(e.get("resource").asString()).isEqualTo(resource);
        });
        assertThat(dir.resolve(".drover/events.jsonl")).exists();

        Cli.Result status = drover("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode servers = Json.MAPPER.readTree(status.out()).get("servers");
        assertThat(servers).hasSize(3);
        for (JsonNode s : servers) {
            assertThat(s.get("health").get("status").asString()).as(s.toString()).isEqualTo("up");
            assertThat(s.get("name").asString()).isNotEqualTo(victim);
        }
        JsonNode healed = null;
        for (JsonNode s : servers) {
            if (s.get("resource").asString().equals(resource)) {
                healed = s;
            }
        }
        assertThat(healed).isNotNull();
        assertThat(healed.get("lastEvent").get("type").asString()).isEqualTo("healed");

        Cli.Result human = drover("status");
        assertThat(human.out()).contains("RESOURCE").contains("HEALTH").contains("up").contains("LAST EVENT");
        Cli.Result again = drover("heal", "--once");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).doesNotContain("detected");
    }

    @Test
    void healOnceOnAHealthyHerdSaysItIsWhole() {
        Cli.Result heal = drover("heal", "--once");

        assertThat(heal.exitCode()).as(heal.toString()).isZero();
        assertThat(heal.out()).as(heal.toString()).contains("herd whole: 3 of 3 servers healthy, nothing to do");
    }

    @Test
    void healSaysOncePerSlotThatSlotsAddedToTheFileButNotAppliedAreApplysJob() throws Exception {
        String applied = Files.readString(herdFile);
        Files.writeString(herdFile, applied.replace("    size: 3\n", "    size: 5\n"));
        try {
            Cli.Result heal = drover("heal", "--once", "--json");
            assertThat(heal.exitCode()).as(heal.toString()).isZero();
            List<JsonNode> unfilled = heal.out().lines().filter(l -> l.startsWith("{")).map(Json.MAPPER::readTree)
                    .filter(e -> e.get("message").asString().contains("never applied")).toList();
            assertThat(unfilled).as(heal.out()).extracting(e -> e.get("resource").asString()).containsExactly("web[3]", "web[4]");
            assertThat(unfilled).allSatisfy(e -> assertThat(e.get("message").asString()).contains("run 'drover apply'"));
            assertThat(Json.MAPPER.readTree(drover("show", "--json").out()).get("servers")).as("heal created nothing").hasSize(3);
        } finally {
            Files.writeString(herdFile, applied);
        }
    }

    @Test
    void rejectsAnInvalidMetricsPort() {
        Cli.Result r = drover("heal", "--once", "--metrics-port", "70000");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--metrics-port must be between 0 and 65535");
    }
}
