package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain command lines, run without picocli's model, mean and answer exactly what they do through picocli. */
class PlainCommandLineTest {
    @TempDir
    static Path dir;

    private static String herd;

    @BeforeAll
    static void herdWithState() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, Training.HERD + "  greeting: hello \"world\"\n"); // an output JSON must escape
        Training.recordServers(file, Instant.parse("2026-01-01T00:00:00Z")); // ages in days: the same in both runs
        herd = file.toString();
    }

    @Test
    void plainCommandLinesAnswerAsThroughPicocli() {
        List<String[]> lines = List.of(
                new String[] {"-f", herd, "output"},
                new String[] {"-f", herd, "output", "etcd_endpoints"},
                new String[] {"output", "greeting", "--json", "--file", herd},
                new String[] {"--file=" + herd, "output", "--json"},
                new String[] {"-f", herd, "output", "nope"},
                new String[] {"-f", dir.resolve("missing.yaml").toString(), "output"},
                new String[] {"version"},
                new String[] {"-f", herd, "version"},
                new String[] {"version", "--file", herd},
                new String[] {"-f", herd, "show"},
                new String[] {"show", "--json", "-f", herd},
                new String[] {"-f", herd, "validate", "--json"},
                new String[] {"validate", "--file=" + dir.resolve("missing.yaml")},
                new String[] {"-f", herd, "plan"},
                new String[] {"-f", herd, "plan", "--json", "--detailed-exitcode"},
                new String[] {"plan", "--destroy", "--no-color", "--file", herd},
                new String[] {"-f", dir.resolve("missing.yaml").toString(), "plan"},
                new String[] {"-f", herd, "status", "--debug"});
        for (String[] args : lines) {
            Cli.Result picocli = Cli.run(args);
            Cli.Result plain = Cli.runPlain(args);

            assertThat(plain).as(String.join(" ", args)).isEqualTo(picocli);
        }
        assertThat(Cli.runPlain("-f", herd, "output", "etcd_endpoints").out().strip())
                .isEqualTo("https://127.0.0.2:2379,https://127.0.0.3:2379,https://127.0.0.4:2379");
        assertThat(Cli.runPlain("-f", herd, "output", "nope").exitCode()).isNotZero();
        assertThat(Cli.runPlain("-f", herd, "plan", "--detailed-exitcode").exitCode()).isEqualTo(ExitCodes.INVALID_OR_CHANGES);
    }

    /** Every option of every plain command, and the forms of the herd file: the same command object either way. */
    @Test
    void everyPlainFormSetsTheCommandAsPicocliDoes() throws Exception {
        List<String> lines = List.of("version", "-f h.yaml version", "--file=h.yaml version", "version -f h.yaml",
                "output", "output x", "-f h.yaml output x --json", "output --no-color --debug -f h.yaml", "output --file h.yaml y",
                "show", "show --json --no-color --debug", "--file h.yaml show",
                "validate --json", "validate --file=h.yaml",
                "plan", "plan --detailed-exitcode", "plan --destroy --json", "-f h.yaml plan --no-color --debug --detailed-exitcode --destroy",
                "status", "status --json -f h.yaml");
        for (String line : lines) {
            String[] args = line.split(" ");
            PlainCommandLine plain = PlainCommandLine.parse(args).orElseThrow(() -> new AssertionError("not plain: " + line));
            picocli.CommandLine cli = Main.commandLine(args);
            picocli.CommandLine.ParseResult parsed = cli.parseArgs(args);
            Object viaPicocli = parsed.subcommand().commandSpec().userObject();

            Callable<Integer> direct = plain.command();

            assertThat(fields(direct)).as(line).isEqualTo(fields(viaPicocli)).isNotEmpty();
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        for (String line : List.of("output --help", "output -h", "--help output", "plan --help", "output a b", "output -f",
                "-f x output -f y", "output --json --json", "--version", "output -fX", "plan x", "plan --auto-approve",
                "version --json", "apply", "heal", "plan -f", "output @args", "-f @args plan", "plan --", "")) {
            String[] args = line.isEmpty() ? new String[0] : line.split(" ");

            assertThat(PlainCommandLine.parse(args)).as(line).isEmpty();
        }
    }

    /**
     * What a command object holds, field by field, with the herd options' own fields in it as "options.NAME", and the
     * herd file as the command will read it.
     */
    private static Map<String, Object> fields(Object command) throws IllegalAccessException {
        Map<String, Object> values = new TreeMap<>();
        values.put("class", command.getClass().getSimpleName());
        for (Field f : command.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object value = f.get(command);
            if (value instanceof HerdOptions options) {
                values.put("options.file()", options.file());
                values.put("options.json", options.json);
                values.put("options.noColor", options.noColor);
                values.put("options.debug", options.debug);
            } else {
                values.put(f.getName(), value);
            }
        }
        return values;
    }
}
