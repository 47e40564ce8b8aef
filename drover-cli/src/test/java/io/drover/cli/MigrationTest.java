package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.EtcdWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A live etcd cluster moved from one provider to another by changing its provider line (the etcd-migrate-local
 * example: two local providers with their own address ranges and roots), while a client writes: afterwards every
 * member runs on the new provider, the member list is exactly the recorded servers, every acknowledged write is
 * readable and nothing is left on the old provider; also when the migrating apply is killed on the way.
 */
class MigrationTest {
    /** A process's exit value when a signal ended it is 128 plus the signal's number; SIGKILL is 9. */
    private static final int KILLED_BY_SIGKILL = 128 + 9;

    @TempDir
    Path dir;

    /** The example herd, on address ranges of this test's own. */
    private Path herd(int size, String rangeA, String rangeB) throws IOException {
        String text = Files.readString(Path.of("..", "examples", "etcd-migrate-local", "drover.yaml"))
                .replace("127.0.20.0/24", rangeA).replace("127.0.21.0/24", rangeB)
                .replace("    size: 3\n", "    size: " + size + "\n");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static Cli.Result drover(Path file, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(file.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    private static String output(Path file, String name) {
        Cli.Result r = drover(file, "output", name);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out().strip();
    }

    private static EtcdWriter writer(Path file) throws IOException {
        javax.net.ssl.SSLContext tls = io.drover.render.pki.PemKeyStores.sslContext(new io.drover.render.pki.IssuedCertificate(
                Files.readString(Path.of(output(file, "etcd_cert_file"))), Files.readString(Path.of(output(file, "etcd_key_file"))),
                Files.readString(Path.of(output(file, "etcd_ca_file")))));
        return new EtcdWriter(List.of(output(file, "etcd_endpoints").split(",")), tls);
    }

    private static List<JsonNode> servers(Path file) {
        Cli.Result r = drover(file, "show", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> list = new ArrayList<>();
        Json.MAPPER.readTree(r.out()).path("servers").forEach(list::add);
        return list;
    }

    /** The server directories a local provider's root holds. */
    private List<String> serversUnder(String site) throws IOException {
        Path servers = dir.resolve(".drover").resolve(site).resolve("servers");
        if (!Files.isDirectory(servers)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(servers)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void moveTo(Path file, String provider) throws IOException {
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^    provider: [ab]$", "    provider: " + provider));
    }

    /** Everything on {@code site}, nothing elsewhere, every member a voter, the plan empty, no write lost. */
    private void assertAllOn(Path file, String site, int size, EtcdWriter writer, String context) throws Exception {
        List<JsonNode> servers = servers(file);
        assertThat(servers).as(context + ": recorded servers").hasSize(size)
                .allSatisfy(s -> assertThat(s.get("provider").asString()).isEqualTo(site.equals("site-a") ? "a" : "b"));
        List<String> names = servers.stream().map(s -> s.get("name").asString()).sorted().toList();
        assertThat(serversUnder(site)).as(context + ": servers on " + site).containsExactlyElementsOf(names);
        assertThat(serversUnder(site.equals("site-a") ? "site-b" : "site-a")).as(context + ": left on the other site").isEmpty();
        writer.learn(List.of(output(file, "etcd_endpoints").split(",")));
        assertThat(writer.members()).as(context + ": member list").containsExactlyInAnyOrderElementsOf(names);
        Cli.Result plan = drover(file, "plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(context + ": the next plan is empty\n" + plan).isZero();
        int acknowledged = writer.acknowledged().size();
        await(context + ": writes go on").atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > acknowledged + 5);
        LocalEtcdHerd.assertNoWriteLost(writer, context);
    }

    private void migrate(int size, String rangeA, String rangeB) throws Exception {
        Path file = herd(size, rangeA, rangeB);
        try {
            Cli.Result up = drover(file, "apply", "--auto-approve");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            try (EtcdWriter writer = writer(file).start("w/")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
                assertAllOn(file, "site-a", size, writer, "before");

                moveTo(file, "b");
                Cli.Result plan = drover(file, "plan");
                assertThat(plan.exitCode()).as(plan.toString()).isZero();
                assertThat(plan.out()).contains("~> etcd[0]").contains(size + " to migrate").contains("from provider 'a' to 'b'");

                long start = System.nanoTime();
                Cli.Result moved = drover(file, "apply", "--auto-approve");
                long took = (System.nanoTime() - start) / 1_000_000;
                assertThat(moved.exitCode()).as(moved.toString()).isZero();
                System.out.printf("%d members moved a -> b in %d ms, longest write gap %d ms%n", size, took, writer.longestGapMillis(start));
                assertAllOn(file, "site-b", size, writer, size + " members moved to b");
            }
        } finally {
            drover(file, "destroy", "--auto-approve");
        }
    }

    @Test
    void threeMembersMoveToAnotherProviderKeepingEveryAcknowledgedWrite() throws Exception {
        migrate(3, "127.0.86.0/24", "127.0.87.0/24");
    }

    @Test
    void fiveMembersMoveToAnotherProviderKeepingEveryAcknowledgedWrite() throws Exception {
        migrate(5, "127.0.88.0/24", "127.0.89.0/24");
    }

    @Test
    void migrationKilledOnTheWayIsFinishedByTheNextApplyWithNothingDuplicatedOrOrphaned() throws Exception {
        Path file = herd(3, "127.0.90.0/24", "127.0.91.0/24");
        try {
            Cli.Result up = drover(file, "apply", "--auto-approve");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            try (EtcdWriter writer = writer(file).start("w/")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
                String site = "b";
                // Each round moves the whole cluster, killed once on the way: during a create on the new site, while a
                // new member is a learner, while an old one is being destroyed.
                List<String> moments = List.of("creating", "admitting", "destroying");
                for (int round = 0; round < moments.size(); round++) {
                    String moment = moments.get(round);
                    String context = "round " + round + ": moving to " + site + ", killed at '" + moment + "'";
                    moveTo(file, site);
                    String log = "migrate-" + round + ".log";
                    Process apply = new DroverProcess(dir, null, log).start("apply", "--auto-approve", "--json", "-f", file.toString());
                    Path logFile = dir.resolve(log);
                    int occurrence = round + 1; // a later member each round
                    await(context).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> !apply.isAlive()
                            || (Files.exists(logFile) && occurrences(Files.readString(logFile), moment) >= occurrence));
                    apply.destroyForcibly(); // SIGKILL
                    assertThat(apply.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    // Without these the round would pass as a plain migration when the apply ended before the moment.
                    String killed = Files.readString(logFile);
                    assertThat(occurrences(killed, moment)).as(context + ": the first apply got that far\n" + killed)
                            .isGreaterThanOrEqualTo(occurrence);
                    assertThat(apply.exitValue()).as(context + ": the first apply died of the SIGKILL, it did not finish\n" + killed)
                            .isEqualTo(KILLED_BY_SIGKILL);

                    Cli.Result again = drover(file, "apply", "--auto-approve", "--lock-timeout", "30s");
                    assertThat(again.exitCode()).as(context + "\n" + again + "\nkilled:\n" + Files.readString(logFile)).isZero();
                    assertAllOn(file, "site-" + site, 3, writer, context);
                    site = site.equals("b") ? "a" : "b";
                }
            }
        } finally {
            drover(file, "destroy", "--auto-approve");
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
