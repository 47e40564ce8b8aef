package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testkit.LoadGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import io.drover.view.HerdView;
import io.drover.view.LoadBalancerView;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web-lb-local example with real HAProxy and real web servers, a load running through {@code lb_url} all along:
 * a rolling replacement of the 3 servers, the heal of a kill -9'd one, a scale 3 -> 5 -> 2 cost clients no request;
 * HAProxy itself kill -9'd under load is back within 5 s (what failed in that window is reported).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedWebEndToEndTest {
    private static final String ADDRESSES = "127.0.165.0/24";
    private static final int PORT = 20281;
    /** About 200 requests a second over 8 connections, as bench lb makes it. */
    private static final int CONNECTIONS = 8;
    private static final Duration PERIOD = Duration.ofMillis(40);
    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    @TempDir
    static Path dir;

    private Path herdFile;
    private String lbUrl;

    @BeforeAll
    void applyTheExample() throws Exception {
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, Files.readString(Path.of("..", "examples", "web-lb-local", "drover.yaml"))
                .replace("  type: local\n", "  type: local\n  addresses: " + ADDRESSES + "\n")
                .replace("8080", String.valueOf(PORT))
                .replace("drain: 10s", "drain: 3s"));
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        lbUrl = drover("output", "lb_url").out().strip();
        assertThat(lbUrl).startsWith("http://127.0.165.").endsWith(":" + PORT + "/");
        // show reads the state only: the declared load balancer, its pool not asked.
        Cli.Result show = drover("show", "--json");
        LoadBalancerView declared = STRICT.readValue(show.out(), HerdView.class).clusters().getFirst().loadBalancer();
        assertThat(declared).isEqualTo(new LoadBalancerView(PORT, PORT, "3s", null, null, null));
    }

    @AfterAll
    void destroy() {
        Cli.Result destroyed = drover("destroy", "--auto-approve");
        assertThat(destroyed.exitCode()).as(destroyed.toString()).isZero();
    }

    @Test
    @Order(1)
    void aRollingReplacementOfTheThreeServersFailsNoRequest() throws Exception {
        String before = Files.readString(herdFile);
        Files.writeString(herdFile, before.replace("hello from", "hi from"));
        LoadGenerator.Result seen;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            Cli.Result apply = drover("apply", "--auto-approve");
            assertThat(apply.exitCode()).as(apply.toString()).isZero();
            awaitSomeRequests(load);
            seen = load.stop();
        }
        System.out.println("rolling replacement of 3 through the load balancer: " + seen);
        assertThat(seen.failed()).as(seen.toString()).isZero();
        assertThat(seen.bodies().keySet()).anyMatch(b -> b.startsWith("hello from")).anyMatch(b -> b.startsWith("hi from"));
        assertThat(pool()).hasSize(3).allSatisfy(m -> assertThat(m.get("state").asString()).isEqualTo("ready"));
    }

    @Test
    @Order(2)
    void theHealOfAKilledServerFailsNoRequest() throws Exception {
        String victim = pool().get(1).get("name").asString();
        LoadGenerator.Result seen;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            long group = Long.parseLong(Files.readString(dir.resolve(".drover/local/servers/" + victim + "/supervisor.pid")).lines().findFirst().orElseThrow().strip());
            assertThat(new ProcessBuilder("kill", "-KILL", "--", "-" + group).start().waitFor()).isZero();
            Cli.Result heal = drover("heal", "--once");
            assertThat(heal.exitCode()).as(heal.toString()).isZero();
            awaitSomeRequests(load);
            seen = load.stop();
        }
        System.out.println("heal of a kill -9'd server through the load balancer: " + seen);
        assertThat(seen.failed()).as(seen.toString()).isZero();
        assertThat(pool()).hasSize(3).extracting(m -> m.get("name").asString()).doesNotContain(victim);
    }

    @Test
    @Order(3)
    void scalingUpToFiveAndDownToTwoFailsNoRequest() throws Exception {
        String before = Files.readString(herdFile);
        LoadGenerator.Result seen;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            Files.writeString(herdFile, before.replace("    size: 3\n", "    size: 5\n"));
            Cli.Result up = drover("apply", "--auto-approve");
            assertThat(up.exitCode()).as(up.toString()).isZero();
            assertThat(pool()).hasSize(5);
            Files.writeString(herdFile, before.replace("    size: 3\n", "    size: 2\n"));
            Cli.Result down = drover("apply", "--auto-approve");
            assertThat(down.exitCode()).as(down.toString()).isZero();
            awaitSomeRequests(load);
            seen = load.stop();
        } finally {
            Files.writeString(herdFile, before);
        }
        System.out.println("scale 3 -> 5 -> 2 through the load balancer: " + seen);
        assertThat(seen.failed()).as(seen.toString()).isZero();
        assertThat(pool()).hasSize(2).allSatisfy(m -> assertThat(m.get("state").asString()).isEqualTo("ready"));
    }

    @Test
    @Order(4)
    void aKilledHaproxyIsBackWithinFiveSecondsUnderLoad() throws Exception {
        Path pidFile = dir.resolve(".drover/local/loadbalancers/web-lb-local/web/supervisor.pid");
        long supervisor = Long.parseLong(Files.readString(pidFile).lines().findFirst().orElseThrow().strip());
        ProcessHandle haproxy = haproxyUnder(supervisor).orElseThrow();
        LoadGenerator.Result seen;
        Duration back;
        try (LoadGenerator load = start()) {
            awaitSomeRequests(load);
            Instant killed = Instant.now();
            assertThat(haproxy.destroyForcibly()).isTrue(); // SIGKILL
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> haproxyUnder(supervisor).filter(p -> p.pid() != haproxy.pid()).isPresent() && answers());
            back = Duration.between(killed, Instant.now());
            awaitSomeRequests(load);
            seen = load.stop();
        }
        System.out.println("HAProxy kill -9'd under load: serving again after " + back.toMillis() + " ms; " + seen);
        assertThat(back).isLessThan(Duration.ofSeconds(5));
        assertThat(pool()).allSatisfy(m -> assertThat(m.get("state").asString()).isEqualTo("ready"));
    }

    @Test
    @Order(5)
    void theWebApiShowsThePoolWithItsMembersStates() throws Exception {
        Path work = Files.createDirectories(dir.resolve("serve"));
        DroverProcess drover = new DroverProcess(work, null);
        Process serve = drover.start("serve", "-f", herdFile.toString(), "--port", "0", "--no-color");
        try {
            int[] port = new int[1];
            await("serve prints its address").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(serve.isAlive()).as(drover.output()).isTrue();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(drover.output());
                assertThat(m.find()).as(drover.output()).isTrue();
                port[0] = Integer.parseInt(m.group(1));
            });
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                await("the web view's look asks the load balancer").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    String body = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/api/v1/herd")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    LoadBalancerView lb = STRICT.readValue(body, HerdView.class).clusters().getFirst().loadBalancer();
                    assertThat(lb.url()).isEqualTo(lbUrl);
                    assertThat(lb.members()).isNotNull().isNotEmpty().allSatisfy(m -> assertThat(m.state()).isEqualTo("ready"));
                });
            }
        } finally {
            serve.destroy();
            if (!serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor();
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private LoadGenerator start() {
        return LoadGenerator.start(lbUrl, CONNECTIONS, PERIOD, Duration.ofMinutes(3));
    }

    /** Lets at least 50 more requests through, so that the load runs before and after the change. */
    private static void awaitSomeRequests(LoadGenerator load) {
        long from = load.result().sent();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.result().sent() >= from + 50);
    }

    /**
     * The load balancer's members as {@code drover status --json} shows them, read strictly into the typed view (a field
     * the records do not have fails the read, as in {@link HerdViewSchemaTest}).
     */
    private List<JsonNode> pool() throws Exception {
        Cli.Result status = drover("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        HerdView view = STRICT.readValue(status.out(), HerdView.class);
        LoadBalancerView lb = view.clusters().getFirst().loadBalancer();
        assertThat(lb).as(status.out()).isNotNull();
        assertThat(lb.url()).isEqualTo(lbUrl);
        assertThat(lb.running()).isTrue();
        assertThat(lb.members()).allSatisfy(m -> assertThat(m.totalRequests()).isNotNegative());
        List<JsonNode> members = new ArrayList<>();
        Json.MAPPER.readTree(status.out()).get("clusters").get(0).get("loadBalancer").get("members").forEach(members::add);
        assertThat(members).extracting(m -> m.get("name").asString())
                .isEqualTo(lb.members().stream().map(LoadBalancerView.MemberView::name).toList());
        return members;
    }

    private static Optional<ProcessHandle> haproxyUnder(long supervisor) {
        return ProcessHandle.of(supervisor).flatMap(p -> p.descendants()
                .filter(d -> d.info().command().map(c -> c.endsWith("haproxy")).orElse(false)).findFirst());
    }

    private boolean answers() {
        URI u = URI.create(lbUrl);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herdFile.toString());
        return Cli.run(all.toArray(String[]::new));
    }
}
