package io.drover.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scratch etcd must not outlive the drover process that started it (a restore or heal killed with -9). */
class ScratchMemberWatchTest {

    @Test
    void aCommandRunUnderTheWatchEndsOnceItsOwnerIsKilled() throws Exception {
        Process owner = new ProcessBuilder("sleep", "300").start(); // stands in for the drover JVM
        Process watched = new ProcessBuilder(ScratchMember.endingWith(owner.pid(), List.of("sleep", "600"))).start();
        try {
            ProcessHandle command = await().atMost(Duration.ofSeconds(10))
                    .until(() -> watched.descendants().filter(p -> p.info().command().orElse("").endsWith("sleep")).findFirst().orElse(null),
                            p -> p != null);
            assertThat(command.isAlive()).isTrue();

            owner.destroyForcibly(); // kill -9 of drover

            await().atMost(Duration.ofSeconds(10)).until(() -> !command.isAlive());
            await().atMost(Duration.ofSeconds(10)).until(() -> !watched.isAlive());
        } finally {
            owner.destroyForcibly();
            watched.descendants().forEach(ProcessHandle::destroyForcibly);
            watched.destroyForcibly();
        }
    }

    @Test
    void theWatchEndsWithTheCommandWhileItsOwnerLives() throws Exception {
        Process watched = new ProcessBuilder(ScratchMember.endingWith(ProcessHandle.current().pid(), List.of("true"))).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !watched.isAlive());
        assertThat(watched.exitValue()).isZero();
    }
}
