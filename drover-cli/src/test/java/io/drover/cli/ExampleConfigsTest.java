package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.render.RealValidators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every example herd is valid, and what each of its servers would boot with passes the real validators:
 * Ignition's {@code ignition-validate} and cloud-init's {@code cloud-init schema}.
 */
class ExampleConfigsTest {
    @TempDir
    Path tmp;

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("..", "examples"))) {
            return dirs.map(d -> d.resolve("drover.yaml")).filter(Files::exists).sorted().toList().stream();
        }
    }

    /** Each example's slots, e.g. etcd[0], etcd[1], ... (at most 3 per cluster). */
    private static List<String> slots(Path herd) {
        Cli.Result r = Cli.run("validate", "--json", "-f", herd.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode clusters = Json.MAPPER.readTree(r.out()).get("clusters");
        List<String> slots = new ArrayList<>();
        for (JsonNode c : clusters) {
            for (int i = 0; i < 3; i++) {
                slots.add(c.asString() + "[" + i + "]");
            }
        }
        return slots;
    }

    private byte[] render(Path herd, String slot, String format) {
        Cli.Result r = Cli.run("render", "-f", herd.toString(), "--server", slot, "--format", format);
        if (r.exitCode() == 2 && r.err().contains("no server or slot")) {
            return null; // a cluster smaller than 3
        }
        assertThat(r.exitCode()).as(slot + " " + r).isZero();
        return r.out().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void renderedIgnitionPassesIgnitionValidate(Path herd) throws Exception {
        for (String slot : slots(herd)) {
            byte[] config = render(herd, slot, "ignition");
            if (config == null) {
                continue;
            }
            assertThat(render(herd, slot, "ignition")).as("rendering twice gives the same bytes").isEqualTo(config);
            Path file = Files.write(tmp.resolve("config.ign"), config);
            RealValidators.Result result = RealValidators.ignitionValidate(file);
            assertThat(RealValidators.ignitionAccepts(result)).as(herd + " " + slot + ": " + result.describe()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void renderedCloudConfigPassesCloudInitSchema(Path herd) throws Exception {
        for (String slot : slots(herd)) {
            byte[] config = render(herd, slot, "cloud-init");
            if (config == null) {
                continue;
            }
            Path file = Files.write(tmp.resolve("user-data"), config);
            RealValidators.Result result = RealValidators.cloudInitSchema(file);
            assertThat(RealValidators.cloudInitAccepts(result)).as(herd + " " + slot + ": " + result.describe()).isTrue();
        }
    }
}
