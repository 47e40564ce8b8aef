package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.EtcdWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code drover heal} can be left alone: it keeps what was applied and nothing else. With heal running, a destroy
 * stays destroyed and an operator's apply rolls each member exactly once; heal killed in the middle of a replacement
 * and started again brings a real 3-member etcd cluster back to full strength within seconds, never claiming a lost
 * quorum that exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealTrustTest {
    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;
    private final List<Process> heals = new ArrayList<>();
    private int healRuns;

    @BeforeAll
    void bringUp() throws Exception {
        herd = new LocalEtcdHerd(dir, "heal-trust", "127.0.83.0/24");
        apply();
    }

    @AfterEach
    void stopHeal() throws Exception {
        for (Process p : heals) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        heals.clear();
    }

    @AfterAll
    void destroy() {
        if (herd != null) {
            herd.close();
        }
    }

    private void apply() {
        Cli.Result r = herd.drover("apply", "--auto-approve", "--lock-timeout", "60s");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    /** Starts {@code drover heal --json} in a JVM of its own; returns the name of its log. */
    private String startHeal() {
        String log = "heal-" + (healRuns++) + ".log";
        heals.add(herd.start(log, "heal", "--json"));
        await("heal starts").atMost(LocalEtcdHerd.bound(Duration.ofSeconds(30))).until(() -> herd.log(log).contains("healing herd"));
        return log;
    }

    private List<JsonNode> healEvents(String log) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : herd.log(log).split("\n")) {
            if (line.startsWith("{")) {
                events.add(Json.MAPPER.readTree(line));
            }
        }
        return events;
    }

    private boolean serverDirectoriesLeft() throws Exception {
        Path servers = dir.resolve(".drover/local/servers");
        if (!Files.isDirectory(servers)) {
            return false;
        }
        try (Stream<Path> list = Files.list(servers)) {
            return list.findAny().isPresent();
        }
    }

    @Test
    @Order(1)
    void destroyWithHealRunningStaysDestroyed() throws Exception {
        String log = startHeal();
        Cli.Result r = herd.drover("destroy", "--auto-approve", "--lock-timeout", "60s");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        await("nothing comes back").during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .until(() -> herd.serverNames().isEmpty() && !serverDirectoriesLeft());
        assertThat(herd.log(log)).as("heal says why it idles").contains("idle: the herd was destroyed");
        assertThat(healEvents(log)).as("heal created nothing").noneMatch(e -> e.path("message").asString("").startsWith("creat"));
    }

    @Test
    @Order(2)
    void operatorsApplyWithHealRunningReplacesEachMemberExactlyOnce() throws Exception {
        apply(); // the destroyed herd is back, by apply (heal never brings it back)
        List<String> before = herd.serverNames();
        String log = startHeal();
        herd.write(150);
        Cli.Result r = herd.drover("apply", "--auto-approve", "--json", "--lock-timeout", "60s");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(ApplyEvents.replacements(r.out()).count()).isEqualTo(3);
        List<String> after = herd.serverNames();

        // Heal keeps checking; give it time to (wrongly) roll the members back to its old copy of the file.
        await("heal leaves the applied members alone").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofSeconds(1)).until(() -> herd.serverNames().equals(after));
        for (int slot = 0; slot < 3; slot++) {
            int s = slot;
            int was = generation(before, s);
            assertThat(generation(after, s)).as("etcd[%d] replaced exactly once (%s -> %s)", s, before, after).isEqualTo(was + 1);
        }
        assertThat(healEvents(log)).as("heal replaced nothing").noneMatch(e -> e.path("type").asString("").equals("detected"));
        try (EtcdWriter writer = herd.writer()) {
            herd.assertWhole(writer, "after the operator's apply");
        }
    }

    /** A heal event at the moment: "waiting for" is the wait for the new member's health, not for the cluster to accept it. */
    private static boolean atMoment(String message, String moment) {
        return message.startsWith(moment) && !message.startsWith("waiting for the cluster to accept");
    }

    private static int generation(List<String> names, int slot) {
        return names.stream().filter(n -> n.startsWith("etcd-" + slot + "-")).mapToInt(n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1)))
                .findFirst().orElseThrow();
    }

    /**
     * The goal is 10 s (the median must meet it); one cycle may take up to 15 s, because on two cores shared with three
     * etcd members, their supervisors and a writer, a cold JVM's first pass now and then waits for the CPU (seen: health
     * checks of healthy members timing out at 500 ms in such moments).
     */
    private static final Duration SINGLE_CYCLE_BOUND = Duration.ofSeconds(15);

    @Test
    @Order(3)
    void healKilledMidReplacementAndStartedAgainRestoresFullStrengthWithinTenSeconds() throws Exception {
        List<String> moments = List.of("creating", "admitting", "waiting for", "removing", "destroying");
        List<Duration> took = new ArrayList<>();
        try (EtcdWriter writer = herd.writer().start("w/")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
            String log = startHeal();
            for (int cycle = 0; cycle < moments.size(); cycle++) {
                String moment = moments.get(cycle);
                String victim = herd.serverNames().get(cycle % 3);
                String context = "cycle " + cycle + ": heal killed at '" + moment + "' while replacing " + victim;
                String healLog = log;
                int seen = healEvents(healLog).size(); // the moment must come from this replacement, not an earlier one
                herd.kill(victim);
                await(context).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> healEvents(healLog).stream().skip(seen).anyMatch(e -> atMoment(e.path("message").asString(""), moment)));
                Process killed = heals.remove(heals.size() - 1);
                killed.destroyForcibly();
                assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();

                long restarted = System.nanoTime();
                log = startHeal();
                long running = System.nanoTime();
                try {
                    // Timed from heal's start (its first line); the time the JVM took to get there is printed beside.
                    await(context + ": full strength again").atMost(LocalEtcdHerd.bound(SINGLE_CYCLE_BOUND)).pollInterval(Duration.ofMillis(100))
                            .ignoreExceptions().untilAsserted(() -> herd.assertFullStrength(writer, context));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(context + ": not at full strength " + SINGLE_CYCLE_BOUND.toSeconds() + " s after heal restarted; servers "
                            + herd.serverNames() + "\n--- the killed heal:\n" + herd.log(healLog) + "\n--- the new heal:\n" + herd.log(log), e);
                }
                long now = System.nanoTime();
                took.add(Duration.ofNanos(now - running));
                System.out.printf("%s: full strength %d ms after heal started (%d ms after the restart command)%n", context,
                        (now - running) / 1_000_000, (now - restarted) / 1_000_000);
                await(context + ": whole (the next plan empty)").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions().untilAsserted(() -> herd.assertWhole(writer, context));
                for (String l : List.of(healLog, log)) {
                    assertThat(healEvents(l)).as(context + ": no quorum alarm (" + l + ")\n" + herd.log(l))
                            .noneMatch(e -> e.path("type").asString("").equals("quorum_lost"));
                }
                LocalEtcdHerd.assertNoWriteLost(writer, context);
            }
        }
        List<Duration> sorted = took.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).as("median time back to full strength of %s", took)
                .isLessThanOrEqualTo(LocalEtcdHerd.bound(Duration.ofSeconds(10)));
    }
}
