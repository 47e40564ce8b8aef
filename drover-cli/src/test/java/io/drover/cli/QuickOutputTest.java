package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover output} without picocli's model answers exactly as the command through picocli does. */
class QuickOutputTest {
    @TempDir
    static Path dir;

    private static String herd;

    @BeforeAll
    static void herdWithState() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: quick
                provider:
                  type: local
                  addresses: 127.0.123.0/24
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: host
                outputs:
                  etcd_endpoints: ${clusters.etcd.endpoints}
                  greeting: hello "world"
                """);
        Training.recordServers(file);
        herd = file.toString();
    }

    @Test
    void plainOutputCommandLinesAnswerAsThroughPicocli() {
        List<String[]> lines = List.of(
                new String[] {"-f", herd, "output"},
                new String[] {"-f", herd, "output", "etcd_endpoints"},
                new String[] {"output", "greeting", "--json", "--file", herd},
                new String[] {"--file=" + herd, "output", "--json"},
                new String[] {"-f", herd, "output", "nope"},
                new String[] {"-f", dir.resolve("missing.yaml").toString(), "output"});
        for (String[] args : lines) {
            Cli.Result picocli = Cli.run(args);
            Cli.Result quick = Cli.runQuick(args);

            assertThat(quick).as(String.join(" ", args)).isEqualTo(picocli);
        }
        assertThat(Cli.runQuick("-f", herd, "output", "etcd_endpoints").out().strip())
                .isEqualTo("https://127.0.0.2:2379,https://127.0.0.3:2379,https://127.0.0.4:2379");
        assertThat(Cli.runQuick("-f", herd, "output", "nope").exitCode()).isNotZero();
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        for (String line : List.of("output --help", "output -h", "--help output", "output --debug", "output a b", "output -f",
                "output --no-color", "-f x output -f y", "show", "output --json --json", "--version", "output -fX", "")) {
            String[] args = line.isEmpty() ? new String[0] : line.split(" ");

            assertThat(QuickOutput.parse(args)).as(line).isEmpty();
        }
    }

    @Test
    void readsTheFileBeforeOrAfterTheCommand() {
        assertThat(QuickOutput.parse(new String[] {"output", "-f", "h.yaml", "x"}).orElseThrow().file()).contains(Path.of("h.yaml"));
        assertThat(QuickOutput.parse(new String[] {"--file", "h.yaml", "output"}).orElseThrow().name()).isEmpty();
        assertThat(QuickOutput.parse(new String[] {"output", "x", "--json"}).orElseThrow().json()).isTrue();
    }
}
