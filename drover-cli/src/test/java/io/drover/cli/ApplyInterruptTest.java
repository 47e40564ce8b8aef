package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C of a running {@code drover apply} (SIGINT to its JVM, as a terminal sends it) in the middle of a rolling
 * replacement of a real 3-member etcd cluster: the output says how far it got and how to finish, and the next apply
 * does finish.
 */
class ApplyInterruptTest {
    @TempDir
    Path dir;

    @Test
    void interruptedApplySaysHowManyStepsAreSavedAndHowToFinish() throws Exception {
        // A shell without job control starts background jobs with SIGINT ignored, every child inherits that, and a JVM
        // that starts with SIGINT ignored installs no handler for it (as nohup wants): Ctrl-C cannot be tested there.
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree (a build started as a background job of a"
                + " non-interactive shell): a Ctrl-C cannot reach drover here");
        try (LocalEtcdHerd herd = new LocalEtcdHerd(dir, "interrupt-apply", "127.0.131.0/24")) {
            Cli.Result up = herd.drover("apply", "--auto-approve");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            herd.write(150); // every member to replace, one at a time

            Process apply = herd.start("apply.log", "apply", "--auto-approve");
            await().atMost(LocalEtcdHerd.bound(Duration.ofSeconds(120))).pollInterval(Duration.ofMillis(20))
                    .until(() -> !apply.isAlive() || herd.log("apply.log").contains(": replaced "));
            assertThat(apply.isAlive()).as("the apply still runs after its first step\n" + herd.log("apply.log")).isTrue();
            Process sigint = new ProcessBuilder("kill", "-INT", Long.toString(apply.pid())).inheritIO().start();
            assertThat(sigint.waitFor()).isZero();
            assertThat(apply.waitFor(30, TimeUnit.SECONDS)).as("the apply ends on SIGINT").isTrue();

            String log = herd.log("apply.log");
            assertThat(apply.exitValue()).as(log).isEqualTo(130);
            assertThat(log).containsPattern("drover: interrupted: [12] of 3 steps done and saved; run 'drover -f "
                    + java.util.regex.Pattern.quote(herd.file.toString()) + " apply' again to finish");

            Cli.Result again = herd.drover("apply", "--auto-approve", "--lock-timeout", "30s");
            assertThat(again.exitCode()).as(again.toString()).isZero();
            Cli.Result plan = herd.drover("plan", "--detailed-exitcode");
            assertThat(plan.exitCode()).as("nothing left to do\n" + plan).isZero();
        }
    }

    /** Whether this process ignores SIGINT (signal 2: bit 1 of the SigIgn mask in /proc/self/status). */
    private static boolean sigintIgnored() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }
}
