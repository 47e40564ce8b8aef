package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
}
