package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a user sees when they get something wrong: one clear message, a position, exit 2, no stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("drover.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            size zero            | herd: h\\nclusters:\\n  web:\\n    size: 0\\n    image: host\\n                  | :4:11:
            unknown key          | herd: h\\nclusters:\\n  web:\\n    size: 1\\n    image: host\\n    colour: red\\n | :6:5:
            yaml syntax          | herd: h\\nclusters: [\\n                                                          | drover.yaml:
            missing clusters     | herd: h\\n                                                                      | drover.yaml:1:1:
            """)
    void invalidHerdFileExitsTwoWithPositionAndNoStackTrace(String name, String yaml, String position) throws Exception {
        Path f = write(yaml.replace("\\n", "\n"));
        for (String command : new String[] {"validate", "plan", "apply"}) {
            Cli.Result r = Cli.run(command, "-f", f.toString());
            assertThat(r.exitCode()).as(command + " " + r).isEqualTo(2);
            assertThat(r.err()).as(command).contains(position);
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void missingHerdFileIsOneClearMessage() {
        Cli.Result r = Cli.run("plan", "-f", dir.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope.yaml").doesNotContain("\tat ");
    }

    @Test
    void applyWithoutATerminalAsksForAutoApprove() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        Cli.Result r = Cli.run("apply", "-f", f.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("--auto-approve");
        assertThat(dir.resolve(".drover/state.json")).doesNotExist();
    }

    @Test
    void secondApplyWaitsNamingTheLockHolderThenGivesUpAfterItsLockTimeout() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        try (StateLock held = new FileStateStore(dir.resolve(".drover")).lock("apply")) {
            long start = System.nanoTime();
            Cli.Result r = Cli.run("apply", "--auto-approve", "--lock-timeout", "1s", "-f", f.toString());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("waiting for the state lock, held by 'drover apply'")
                    .contains("locked by 'drover apply'").contains("pid " + ProcessHandle.current().pid());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void lockTimeoutThatIsNotADurationIsAUserError() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        Cli.Result r = Cli.run("apply", "--auto-approve", "--lock-timeout", "soon", "-f", f.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--lock-timeout: 'soon' is not a duration");
    }

    @Test
    void unknownCommandLineOptionIsAUsageError() {
        Cli.Result r = Cli.run("plan", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate");
    }
}
