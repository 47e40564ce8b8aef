package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A pid file names a live process only while that very process runs: not after it exited, reaped or not. */
class PidFileTest {

    @Test
    void aProcessThatExitedButWasNotReapedIsNotAlive() throws Exception {
        // sh starts a short sleep in the background, then becomes a long one that never waits for it: the short sleep,
        // once done, stays a zombie, as a killed supervisor does until its parent (init, in a container) reaps it.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 2 & echo $!; exec sleep 60").start();
        try {
            String line = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8)).readLine();
            long pid = Long.parseLong(line.strip());
            PidFile file = new PidFile(pid, ProcessHandle.of(pid).orElseThrow().info().startInstant().orElseThrow());
            assertThat(file.alive()).as("while it runs").isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> ProcStat.of(pid).map(ProcStat::state).orElse('?') == 'Z');

            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the JDK still calls it alive").contains(true);
            assertThat(file.alive()).as("exited, not reaped").isFalse();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void theRunningJvmIsAliveAndAStartTimeOfAnotherProcessIsNot() {
        PidFile self = PidFile.current();
        assertThat(self.alive()).isTrue();
        assertThat(new PidFile(self.pid(), self.started().minusSeconds(1)).alive()).as("a recycled pid").isFalse();
    }
}
