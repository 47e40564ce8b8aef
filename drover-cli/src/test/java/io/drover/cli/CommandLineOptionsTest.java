package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line reads the way the README writes it. */
class CommandLineOptionsTest {
    @TempDir
    Path dir;

    private Path herd() throws Exception {
        return Files.writeString(dir.resolve("web.yaml"), "herd: h\nclusters:\n  web:\n    size: 2\n    image: host\n");
    }

    @Test
    void herdFileMayBeGivenBeforeTheCommand() throws Exception {
        Cli.Result r = Cli.run("-f", herd().toString(), "validate");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("herd 'h'");
    }

    @Test
    void herdFileMayBeGivenAfterTheCommand() throws Exception {
        Cli.Result r = Cli.run("validate", "--file", herd().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void fileAfterTheCommandWinsOverFileBeforeIt() throws Exception {
        Cli.Result r = Cli.run("-f", dir.resolve("missing.yaml").toString(), "validate", "-f", herd().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void herdFileBeforeOrInsideACommandGroupIsTheOneRead() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, Training.HERD);
        Training.recordServers(file, java.time.Instant.parse("2026-01-01T00:00:00Z"));
        String herd = file.toString();
        for (String[] args : List.of(
                new String[] {"-f", herd, "state", "pull"},
                new String[] {"state", "-f", herd, "pull"},
                new String[] {"state", "pull", "-f", herd},
                new String[] {"--file=" + herd, "images", "prune", "--dry-run"},
                new String[] {"images", "--file", herd, "prune", "--dry-run"})) {
            Cli.Result r = Cli.run(args);

            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        }
        assertThat(Cli.run("state", "-f", herd, "pull").out()).contains("\"lineage\"");
    }

    /** Every command and subcommand, with -f before it, between its group and it, or after it: one herd file option. */
    @Test
    void herdFileIsTakenInEveryPositionByEveryCommand() {
        for (List<String> path : commandPaths(Main.commandLine("--help"), List.of())) {
            for (int at = 0; at <= path.size(); at++) {
                List<String> args = new ArrayList<>(path);
                args.addAll(at, List.of("-f", "here.yaml"));
                args.addAll(requiredArguments(path));
                picocli.CommandLine cli = Main.commandLine(args.toArray(String[]::new));

                picocli.CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));

                Object leaf = leaf(parsed).commandSpec().userObject();
                if (herdOptions(leaf) instanceof HerdOptions options) {
                    assertThat(options.file()).as(String.join(" ", args)).isEqualTo(Path.of("here.yaml"));
                }
            }
        }
    }

    /** The names leading to each command that runs (not the groups: they only print their help). */
    private static List<List<String>> commandPaths(picocli.CommandLine cli, List<String> above) {
        List<List<String>> paths = new ArrayList<>();
        for (var sub : cli.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(above);
            path.add(sub.getKey());
            paths.add(path);
            paths.addAll(commandPaths(sub.getValue(), path));
        }
        return paths;
    }

    /** A value for each option and parameter the command at {@code path} requires, so that it parses. */
    private static List<String> requiredArguments(List<String> path) {
        picocli.CommandLine cli = Main.commandLine(path.toArray(String[]::new));
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        List<String> args = new ArrayList<>();
        for (var option : cli.getCommandSpec().options()) {
            if (option.required()) {
                args.addAll(List.of(option.longestName(), "file"));
            }
        }
        for (var parameter : cli.getCommandSpec().positionalParameters()) {
            if (parameter.arity().min() > 0) {
                args.add("x");
            }
        }
        return args;
    }

    private static picocli.CommandLine.ParseResult leaf(picocli.CommandLine.ParseResult parsed) {
        return parsed.subcommand() == null ? parsed : leaf(parsed.subcommand());
    }

    private static Object herdOptions(Object command) {
        for (var field : command.getClass().getDeclaredFields()) {
            if (field.getType() == HerdOptions.class) {
                field.setAccessible(true);
                try {
                    return field.get(command);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"plan", "apply", "destroy", "show", "output", "validate", "render", "heal", "status", "rotate-ca", "schema"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.exitCode()).as(command + " " + r).isZero();
            assertThat(r.out()).as(command).contains("Usage: drover " + command);
        }
    }

    @Test
    void schemaCommandPrintsTheHerdFileJsonSchema() {
        Cli.Result r = Cli.run("schema");
        assertThat(r.exitCode()).isZero();
        var schema = Json.MAPPER.readTree(r.out());
        assertThat(schema.get("$schema").asString()).contains("2020-12");
        assertThat(schema.get("properties").has("clusters")).isTrue();
    }

    @Test
    void versionPrintsTheVersion() {
        Cli.Result r = Cli.run("version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("drover 0.");
    }

    @Test
    void planOfANewHerdShowsEveryServerAsACreate() throws Exception {
        Cli.Result r = Cli.run("plan", "--json", "--detailed-exitcode", "-f", herd().toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(Json.MAPPER.readTree(r.out()).get("summary").get("create").asInt()).isEqualTo(2);
    }
}
