package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.LoadGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The web-lb-migrate-local example (two local providers, the load balancer on the first) with real HAProxy and real web
 * servers, a load running through {@code lb_url}: an apply killed with -9 just after a new member went into HAProxy,
 * before the state says it serves, and one killed mid drain, are each finished by one more apply with the pool exactly
 * the recorded servers; the servers move to the other provider (that apply too killed mid drain and run again) while
 * {@code lb_url} stays the same and no request fails. {@code drover plan} shows the pool changes each time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedMigrationEndToEndTest {
    private static final String RANGE_A = "127.0.220.0/24";
    private static final String RANGE_B = "127.0.221.0/24";
    private static final int PORT = 20291;
    private static final int CONNECTIONS = 8;
    private static final Duration PERIOD = Duration.ofMillis(40);
    private static final String LB_DIR = ".drover/site-a/loadbalancers/web-lb-migrate/web";

    @TempDir
    static Path dir;

    private Path herdFile;
    private String lbUrl;

    @BeforeAll
    void applyTheExample() throws Exception {
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, Files.readString(Path.of("..", "examples", "web-lb-migrate-local", "drover.yaml"))
                .replace("127.0.22.0/24", RANGE_A).replace("127.0.23.0/24", RANGE_B)
                .replace("8080", String.valueOf(PORT))
                .replace("drain: 10s", "drain: 3s"));
        Cli.Result plan = drover("plan");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("Load balancers:").contains("the load balancer will be created on provider 'a'")
                .contains("web[0] (new)  will join the pool once it passes its health check");
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        lbUrl = drover("output", "lb_url").out().strip();
        assertThat(lbUrl).startsWith("http://127.0.220.").endsWith(":" + PORT + "/");
    }

    @AfterAll
    void destroy() throws IOException {
        Cli.Result destroyed = drover("destroy", "--auto-approve");
        assertThat(destroyed.exitCode()).as(destroyed.toString()).isZero();
        assertThat(dir.resolve(LB_DIR)).as("the load balancer is deleted").doesNotExist();
        assertThat(under("site-a", "servers")).isEmpty();
        assertThat(under("site-b", "servers")).isEmpty();
    }

    @Test
    @Order(1)
    void applyKilledRightAfterANewMemberWentIntoHaproxyIsFinishedByOneMoreApply() throws Exception {
        Files.writeString(herdFile, Files.readString(herdFile).replace("hello from", "hi from"));
        LoadGenerator.Result seen;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            // The first new server (web-0-2) is in the running HAProxy once it joined; the state says it serves later.
            killApplyWhen("joined", () -> haproxyStat().contains("web-0-2"));
            reapplyAndCheckThePool("after a kill -9 right after a join");
            awaitSomeRequests(load);
            seen = load.stop();
        }
        System.out.println("roll killed right after a join, then applied again: " + seen);
        assertThat(seen.failed()).as(seen.toString()).isZero();
    }

    @Test
    @Order(2)
    void theServersMoveToTheOtherProviderBehindTheSameAddressWithNoFailedRequestEvenWithTheApplyKilledMidDrain() throws Exception {
        Files.writeString(herdFile, Files.readString(herdFile).replace("    provider: a\n", "    provider: b\n"));
        Cli.Result plan = drover("plan");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("2 to migrate").contains("web[0] (new)  will join the pool")
                .containsPattern("web\\[0\\] web-0-\\d+  will be drained \\(at most 3 s\\)").doesNotContain("will be deleted");
        Cli.Result json = drover("plan", "--json");
        assertThat(Json.MAPPER.readTree(json.out()).get("loadBalancers")).extracting(n -> n.get("kind").asString() + " " + n.get("provider").asString())
                .containsExactly("join a", "drain a", "join a", "drain a");
        LoadGenerator.Result seen;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            killApplyWhen("draining", () -> Files.readString(dir.resolve("apply.log")).contains("draining web-0-"));
            reapplyAndCheckThePool("the move, after a kill -9 mid drain");
            awaitSomeRequests(load);
            seen = load.stop();
        }
        System.out.println("move to another provider (killed mid drain, applied again) through the load balancer: " + seen);
        assertThat(seen.failed()).as(seen.toString()).isZero();
        assertThat(drover("output", "lb_url").out().strip()).as("the address clients use").isEqualTo(lbUrl);
        List<JsonNode> servers = new ArrayList<>();
        Json.MAPPER.readTree(drover("show", "--json").out()).path("servers").forEach(servers::add);
        assertThat(servers).hasSize(2).allSatisfy(s -> assertThat(s.get("provider").asString()).isEqualTo("b"));
        assertThat(under("site-a", "servers")).isEmpty();
        assertThat(pool()).allSatisfy(m -> assertThat(m.get("address").asString()).startsWith("127.0.221."));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Starts an apply in a JVM of its own and kills it with SIGKILL once {@code moment} holds. */
    private void killApplyWhen(String what, Condition moment) throws Exception {
        Process apply = new DroverProcess(dir, null, "apply.log").start("apply", "--auto-approve", "--no-color", "-f", herdFile.toString());
        try {
            await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> !apply.isAlive() || moment.holds());
            assertThat(apply.isAlive()).as("the apply was still running when " + what + ":\n" + Files.readString(dir.resolve("apply.log"))).isTrue();
        } finally {
            apply.destroyForcibly(); // SIGKILL
            assertThat(apply.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** One more apply finishes the change: the pool is exactly the recorded servers, all ready; nothing left to plan. */
    private void reapplyAndCheckThePool(String context) throws Exception {
        Cli.Result again = drover("apply", "--auto-approve");
        assertThat(again.exitCode()).as(context + ": " + again).isZero();
        List<String> recorded = new ArrayList<>();
        Json.MAPPER.readTree(drover("show", "--json").out()).path("servers").forEach(s -> recorded.add(s.get("name").asString()));
        assertThat(pool()).as(context).extracting(m -> m.get("name").asString()).containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(pool()).as(context).allSatisfy(m -> assertThat(m.get("state").asString()).isEqualTo("ready"));
        Cli.Result plan = drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(context + ": the next plan is empty\n" + plan).isZero();
    }

    /** HAProxy's own {@code show stat}, through its admin socket: the pool as the running process has it. */
    private String haproxyStat() throws IOException {
        try (java.nio.channels.SocketChannel admin = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(dir.resolve(LB_DIR).resolve("admin.sock")))) {
            admin.write(java.nio.ByteBuffer.wrap("show stat\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return new String(java.nio.channels.Channels.newInputStream(admin).readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private LoadGenerator start() {
        return LoadGenerator.start(lbUrl, CONNECTIONS, PERIOD, Duration.ofMinutes(3));
    }

    private static void awaitSomeRequests(LoadGenerator load) {
        long from = load.result().sent();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.result().sent() >= from + 50);
    }

    private List<JsonNode> pool() {
        Cli.Result status = drover("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode lb = Json.MAPPER.readTree(status.out()).get("clusters").get(0).get("loadBalancer");
        assertThat(lb.get("url").asString()).isEqualTo(lbUrl);
        List<JsonNode> members = new ArrayList<>();
        lb.get("members").forEach(members::add);
        return members;
    }

    private List<String> under(String site, String kind) throws IOException {
        Path p = dir.resolve(".drover").resolve(site).resolve(kind);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(p)) {
            return list.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herdFile.toString());
        return Cli.run(all.toArray(String[]::new));
    }
}
