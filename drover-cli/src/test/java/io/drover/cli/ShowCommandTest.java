package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drover show} shows the recorded state, which needs no valid herd file. */
class ShowCommandTest {
    @TempDir
    Path dir;

    @Test
    void showsTheStateWhileTheHerdFileIsInvalidAndWarnsAboutTheFile() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, Training.HERD);
        Training.recordServers(file, Instant.parse("2026-01-01T00:00:00Z"));
        Files.writeString(file, Training.HERD.replace("size: 3", "size: three")); // an edit in progress

        for (String[] args : new String[][] {{"-f", file.toString(), "show"}, {"show", "--json", "-f", file.toString()}}) {
            Cli.Result r = Cli.run(args);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).as(r.toString()).contains("etcd-0-1", "etcd-1-1", "etcd-2-1", "127.0.0.3");
            assertThat(r.err()).as(r.toString()).contains("drover: warning: the herd file has 1 problem", "drover validate")
                    .doesNotContain("\tat ");
            assertThat(Cli.runPlain(args)).isEqualTo(r);
        }
    }

    @Test
    void invalidHerdFileWithoutAStateIsStillItsProblems() throws Exception {
        Path file = Files.writeString(dir.resolve("drover.yaml"), Training.HERD.replace("size: 3", "size: three"));

        Cli.Result r = Cli.run("show", "-f", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_OR_CHANGES);
        assertThat(r.err()).contains("drover.yaml:", "1 problem in the herd file.");
    }
}
