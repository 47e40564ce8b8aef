package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
