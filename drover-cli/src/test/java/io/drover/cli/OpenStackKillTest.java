package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code drover apply} killed with SIGKILL at random moments, then run again, against a real OpenStack: every
 * time the herd converges to exactly its servers, one per slot, all recorded in the state, no port left over.
 * (Plain servers with process health: see {@link OpenStackHerd} for why.)
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenStackKillTest {
    /** Random kill moments: 4 by default, 10 with -Ddrover.test.thorough=true (see TestDepth). */
    private static final int TRIALS = TestDepth.rounds(4, 10);
    /** Fixed, so that a failing sequence of kills can be replayed. */
    private static final long SEED = 20_250_505L;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private OpenStackHerd herd;
    private DroverProcess drover;

    @BeforeAll
    void start() {
        herd = OpenStackHerd.in(dir, "ostest-kill");
        drover = new DroverProcess(dir, null);
    }

    @AfterAll
    void destroyWhateverIsLeft() {
        try {
            Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
        } finally {
            herd.close();
        }
    }

    @Test
    void applyKilledAtRandomMomentsConvergesOnTheNextRunWithoutDuplicatesOrOrphans() throws Exception {
        // An uninterrupted create and rolling replace first: how long an apply takes sets the range of kill delays.
        herd.writePlain(2, false, "v0");
        Cli.Result first = drover.run(RUN_TIMEOUT, "apply", "--auto-approve", "-f", herd.file.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        herd.writePlain(2, false, "v1");
        long startedAt = System.nanoTime();
        Cli.Result replace = drover.run(RUN_TIMEOUT, "apply", "--auto-approve", "-f", herd.file.toString());
        long applyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
        assertThat(replace.exitCode()).as(replace.toString()).isZero();
        assertConverged(2, "calibration");

        Random random = new Random(SEED);
        List<String> log = new ArrayList<>();
        for (int trial = 1; trial <= TRIALS; trial++) {
            // A new first-boot file replaces every server; a new size creates or destroys one as well.
            int size = 2 + random.nextInt(2);
            herd.writePlain(size, false, "trial-" + trial);
            long delay = (long) (random.nextDouble() * applyMillis);
            String what = "trial " + trial + " (seed " + SEED + ", size " + size + ", killed after " + delay + " ms of "
                    + applyMillis + ")";
            log.add(what);

            Process apply = drover.start("apply", "--auto-approve", "--json", "-f", herd.file.toString());
            boolean finished = apply.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finished) {
                apply.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block, the lock dies with it
                assertThat(apply.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            log.add("  " + (finished ? "finished before the kill, exit " + apply.exitValue() : "killed, exit " + apply.exitValue())
                    + ", printed " + drover.output().lines().count() + " lines");

            Cli.Result rerun = drover.run(RUN_TIMEOUT, "apply", "--auto-approve", "-f", herd.file.toString());
            assertThat(rerun.exitCode()).as(what + "\n" + rerun).isZero();
            assertConverged(size, what);
        }
        System.out.println(String.join("\n", log));
    }

    /** Exactly {@code size} servers tagged with the herd, one per slot, each recorded in the state; no stray port. */
    private void assertConverged(int size, String what) {
        List<Server> servers = herd.servers();
        assertThat(servers).as(what + ": servers of the herd").hasSize(size)
                .allSatisfy(s -> assertThat(s.status()).as(what).isEqualTo("ACTIVE"));
        assertThat(servers.stream().map(s -> s.metadata().get("drover-resource")))
                .as(what + ": one server per slot")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, size).mapToObj(i -> "node[" + i + "]").toList());

        JsonNode show = Json.MAPPER.readTree(Cli.run("show", "--json", "-f", herd.file.toString()).out());
        Set<String> recorded = new HashSet<>();
        show.get("servers").forEach(s -> recorded.add(s.get("id").asString()));
        assertThat(recorded).as(what + ": servers recorded in the state")
                .isEqualTo(servers.stream().map(Server::id).collect(Collectors.toSet()));
        assertThat(herd.orphanedPorts()).as(what + ": ports without a server").isEmpty();
        assertThat(herd.ports()).as(what + ": ports").hasSize(size);

        Cli.Result plan = Cli.run("plan", "--detailed-exitcode", "-f", herd.file.toString());
        assertThat(plan.exitCode()).as(what + ": plan after the re-run\n" + plan).isZero();
    }
}
