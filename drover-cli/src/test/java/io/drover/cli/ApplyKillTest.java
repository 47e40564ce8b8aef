package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.EtcdWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code drover apply} at different moments (six, ten when thorough) of a rolling replacement of a real 3-member etcd cluster
 * (while a client writes), then one more apply: it must exit 0 only with the herd whole (3 healthy members, the member
 * list exactly the recorded servers, nothing left to plan) and no acknowledged write lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplyKillTest {
    /**
     * Where in the roll the first apply is killed: right after the n-th apply event whose message starts so. Events
     * come just before the action they announce, so each moment kills inside that action.
     */
    record Moment(String message, int occurrence) {
        @Override
        public String toString() {
            return "after '" + message + "' #" + occurrence;
        }
    }

    private static final List<Moment> MOMENTS = List.of(
            new Moment("creating", 1),             // during the provider's create (server directory half made)
            new Moment("admitting", 1),            // the new member runs as a learner, not promoted yet
            new Moment("waiting for", 1),          // promoted, not yet seen healthy (recorded tainted)
            new Moment("removing", 1),             // the old member is being removed from the cluster
            new Moment("destroying", 1),           // the old member left, its server is going
            new Moment("creating", 2),             // the second slot, mid-create
            new Moment("admitting", 2),
            new Moment("removing", 2),
            new Moment("waiting for", 3),          // the third slot's new member, before it is seen healthy
            new Moment("checking that", 1));       // the last step: membership check

    /**
     * Every moment with -Ddrover.test.thorough=true; by default the first of each kind (the later slots' moments repeat
     * the first slot's), which keeps about two minutes off every CI run.
     */
    private static final List<Moment> RUN = TestDepth.thorough() ? MOMENTS
            : MOMENTS.stream().filter(m -> m.occurrence() == 1).toList();

    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;

    @BeforeAll
    void bringUp() throws Exception {
        herd = new LocalEtcdHerd(dir, "kill-apply", "127.0.82.0/24");
        Cli.Result r = herd.drover("apply", "--auto-approve");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @AfterAll
    void destroy() {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    void applyKilledAtEachMomentOfARollingReplacementIsFinishedByTheNextApply() throws Exception {
        try (EtcdWriter writer = herd.writer().start("w/")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
            for (int trial = 0; trial < RUN.size(); trial++) {
                Moment moment = RUN.get(trial);
                String context = "trial " + trial + " (killed " + moment + ")";
                herd.write(101 + trial);
                String log = "apply-" + trial + ".log";
                Process apply = herd.start(log, "apply", "--auto-approve", "--json");
                await(context).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !apply.isAlive() || occurrences(herd.log(log), moment.message()) >= moment.occurrence());
                apply.destroyForcibly(); // SIGKILL
                assertThat(apply.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(occurrences(herd.log(log), moment.message())).as(context + ": the first apply got that far\n" + herd.log(log))
                        .isGreaterThanOrEqualTo(moment.occurrence());

                Cli.Result again = herd.drover("apply", "--auto-approve", "--lock-timeout", "30s");
                assertThat(again.exitCode()).as(context + ": the apply after the kill\n" + again + "\nkilled apply:\n" + herd.log(log)).isZero();
                herd.assertWhole(writer, context);
                int acknowledged = writer.acknowledged().size();
                await(context + ": writes go on").atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > acknowledged + 5);
                LocalEtcdHerd.assertNoWriteLost(writer, context);
            }
        }
    }

    /** How many apply events (JSON lines) have a message starting with {@code prefix}. */
    private static int occurrences(String jsonLines, String prefix) {
        int n = 0;
        for (String line : jsonLines.split("\n")) {
            if (line.startsWith("{") && line.contains("\"message\":\"" + prefix)) {
                n++;
            }
        }
        return n;
    }
}
