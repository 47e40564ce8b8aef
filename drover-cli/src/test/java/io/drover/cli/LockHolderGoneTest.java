package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.config.HerdLoader;
import io.drover.providers.ProviderCatalog;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.testkit.EtcdServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply waiting for the etcd state lock of a holder that was killed (its lease lives on until the lock TTL) says
 * that the holder's process is gone and what happens next, instead of naming it as if it were still working.
 */
class LockHolderGoneTest {
    @TempDir
    Path dir;

    @Test
    void waitingForTheLockOfAKilledHolderSaysItsProcessIsGone() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"))) {
            Path file = Files.writeString(dir.resolve("drover.yaml"), """
                    herd: gone
                    clusters:
                      web:
                        size: 1
                        image: host
                    state:
                      backend: etcd
                      endpoints: [%s]
                      lockTtl: 60s
                    """.formatted(etcd.endpoint()));
            DroverProcess java = new DroverProcess(dir, null, "holder.log");
            Process holder = java.startMain(LockHolderGoneTest.class.getName(), file.toString());
            await().atMost(Duration.ofSeconds(60)).until(() -> !holder.isAlive() || java.output().contains("locked"));
            assertThat(holder.isAlive()).as(java.output()).isTrue();
            long pid = holder.pid();
            holder.destroyForcibly(); // SIGKILL: its lease lives on for the lock TTL
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Cli.Result r = Cli.run("apply", "--auto-approve", "--lock-timeout", "1s", "-f", file.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.ERROR);
            assertThat(r.err()).as(r.toString()).contains("waiting for the state lock, held by 'drover apply'", "(pid " + pid + ")")
                    .contains("process " + pid + " is gone").contains("drover force-unlock");
        }
    }

    /** In the child JVM: takes the herd's state lock as 'drover apply' does, says so, and holds it until killed. */
    public static void main(String[] args) throws Exception {
        var herd = new HerdLoader(ProviderCatalog.fromClassPath().all()).load(Path.of(args[0]));
        try (StateStore store = StateStores.open(herd, System.getenv()); StateLock lock = store.lock("apply")) {
            System.out.println("locked");
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }
}
