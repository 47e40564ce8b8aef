package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.provider.local.LocalProvider;
import io.drover.provider.local.LocalProviderFactory;
import io.drover.spi.ProviderContext;
import io.drover.web.Chromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * The web view in a real headless Chromium against a real 3-member etcd herd on the local provider: first
 * {@code drover serve} (members, leader, escaping, phone width), then {@code drover heal --ui} with a token while
 * a member is killed with {@code kill -9}: the open page follows the failure, the replacement and the herd whole
 * again without a reload. Screenshots go to target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebViewEndToEndTest {
    private static final String ADDRESSES = "127.0.95.0/24";
    /** Outputs carry arbitrary text: this one would run script if the page ever used it as markup. */
    private static final String HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">&amp;";
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    static Path dir;

    private Path herdFile;
    private Chromium browser;
    private final List<Process> started = new ArrayList<>();
    private DroverProcess current;

    @BeforeAll
    void applyTheHerdAndStartTheBrowser() throws Exception {
        assertThat(Chromium.installed()).as("Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, Files.readString(Path.of("..", "examples", "etcd-local", "drover.yaml"))
                .replace("  type: local\n", "  type: local\n  addresses: " + ADDRESSES + "\n")
                + "  banner: '" + HOSTILE + "'\n");
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        browser = Chromium.start(1280, 900);
    }

    @AfterAll
    void stopEverything() throws Exception {
        stop();
        if (browser != null) {
            browser.close();
        }
        drover("destroy", "--auto-approve");
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herdFile.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    /** Starts a long-running drover command in a JVM of its own and returns the port its web view printed. */
    private int startWebView(String name, String... args) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        DroverProcess drover = new DroverProcess(work, null);
        current = drover;
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("-f", herdFile.toString(), "--port", "0", "--no-color"));
        Process process = drover.start(all.toArray(String[]::new));
        started.add(process);
        int[] port = new int[1];
        await(name + " prints its address").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(process.isAlive()).as(drover.output()).isTrue();
            Matcher m = URL.matcher(drover.output());
            assertThat(m.find()).as(drover.output()).isTrue();
            port[0] = Integer.parseInt(m.group(1));
        });
        return port[0];
    }

    /** Stops every drover this test started: SIGTERM, so heal finishes its pass first. */
    private void stop() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
        started.clear();
    }

    private ChromeDriver page() {
        return browser.driver();
    }

    /**
     * The server boxes of the picture as the page shows them now, read in one script: the page redraws what
     * changed every second, so element references held across calls would go stale.
     */
    @SuppressWarnings("unchecked")
    private List<Map<String, String>> boxes() {
        return (List<Map<String, String>>) page().executeScript("return Array.from(document.querySelectorAll('#picture .server[data-server]'))"
                + ".map(e => ({server: e.dataset.server, health: e.dataset.health, role: e.dataset.role || ''}))");
    }

    private Map<String, String> healthByServer() {
        return boxes().stream().collect(Collectors.toMap(b -> b.get("server"), b -> b.get("health"), (a, b) -> a, java.util.TreeMap::new));
    }

    private List<String> leaders() {
        return boxes().stream().filter(b -> b.get("role").equals("leader")).map(b -> b.get("server")).toList();
    }

    private String text(String css) {
        return (String) page().executeScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
    }

    private long count(String css) {
        return (Long) page().executeScript("return document.querySelectorAll(arguments[0]).length", css);
    }

    private void awaitWholeHerd(String why) {
        onPage(why, () -> await(why).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(healthByServer()).as("servers on the page").hasSize(3).allSatisfy((name, health) -> assertThat(health).isEqualTo("up"));
            assertThat(leaders()).as("leaders on the page").hasSize(1);
            assertThat(count("#picture .flag.tainted")).as("servers not yet healthy since their creation").isZero();
        }));
    }

    /** Runs a wait on the page; if it fails, keeps a screenshot and says what the page showed. */
    private void onPage(String what, Runnable wait) {
        try {
            wait.run();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            browser.fullPage("failed-" + what.replaceAll("[^a-z0-9]+", "-"));
            throw new AssertionError(what + ": the page at " + page().getCurrentUrl() + " showed:\n"
                    + page().executeScript("return document.body.innerText") + "\n--- its log:\n"
                    + page().manage().logs().get("browser").getAll() + "\n--- drover printed:\n" + (current == null ? "" : current.output()), e);
        }
    }

    @Test
    @Order(1)
    void serveShowsThreeHealthyMembersTheLeaderAndEveryValueAsText() throws Exception {
        // Event log lines written by something else (a hostile or odd message) are shown as text too.
        Files.writeString(dir.resolve(".drover/events.jsonl"), Json.write(Map.of("time", "2026-01-01T00:00:00Z", "type", "step",
                "resource", "etcd[0]", "server", "<b>bold</b>", "message", HOSTILE)) + "\n", java.nio.file.StandardOpenOption.APPEND);
        // The herd file now asks for another member config: every member is outdated (serve reads the file at start).
        String applied = Files.readString(herdFile);
        Files.writeString(herdFile, applied.replace("heartbeat-interval: 100", "heartbeat-interval: 110"));
        int port;
        try {
            port = startWebView("serve", "serve");
        } finally {
            Files.writeString(herdFile, applied); // heal, next, must not roll the members
        }
        String base = "http://127.0.0.1:" + port + "/";

        page().get(base);
        awaitWholeHerd("3 healthy members and a leader");
        long firstRender = Long.parseLong((String) page().executeScript("return document.body.dataset.firstRenderMs"));
        System.out.printf("web view: first render of the herd %d ms after the script started%n", firstRender);

        // Escaping: the hostile output and event are shown literally, nothing of them ran or became an element.
        assertThat(text("#outputs dd[data-output='banner']")).isEqualTo(HOSTILE);
        assertThat(text("#timeline")).contains(HOSTILE).contains("<b>bold</b>");
        assertThat(page().executeScript("return window.__pwned === undefined")).isEqualTo(true);
        // One script runs (app.js); the herd as last seen is inlined as data only, with the hostile text escaped in it.
        assertThat(count("script:not([type='application/json'])")).isEqualTo(1);
        assertThat(count("script[type='application/json']")).isEqualTo(1);
        assertThat(count("main img, main b")).isZero();
        // Apply's own steps are in the timeline, beside heal's.
        assertThat(count("#timeline li[data-type='apply']")).isPositive();
        assertThat(text("#lock")).isEqualTo("State lock: free");
        assertThat(count("#servers tbody tr[data-server]")).isEqualTo(3);
        assertThat(count("#picture .server .flag.outdated")).isEqualTo(3);
        assertThat(count("#picture .server .flag.drifted")).isZero();
        browser.fullPage("serve-laptop");

        // Phone width: nothing wider than the screen but the table, which scrolls inside its own box.
        browser.resize(390, 844);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                (Boolean) page().executeScript("return document.documentElement.scrollWidth <= window.innerWidth")).isTrue());
        browser.fullPage("serve-phone");
        browser.resize(1280, 900);

        // The API behind the page, as another tool would read it (raft status comes in the background: awaited).
        await("the API shows a leader and two followers").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> herd = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/herd")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(herd.statusCode()).isEqualTo(200);
            JsonNode doc = Json.MAPPER.readTree(herd.body());
            assertThat(doc.get("apiVersion").asInt()).isEqualTo(1);
            JsonNode servers = doc.get("clusters").get(0).get("servers");
            assertThat(servers).hasSize(3);
            List<String> roles = new ArrayList<>();
            for (JsonNode s : servers) {
                roles.add(s.get("etcd").get("role").asString());
                assertThat(s.get("etcd").has("raftIndex")).as(s.toString()).isTrue();
                assertThat(s.get("etcd").get("raftIndex").asLong()).isPositive();
                assertThat(s.get("outdated").asBoolean()).isTrue();
                assertThat(s.get("outdatedBecause").asString()).isEqualTo("first-boot config or role changed");
                assertThat(s.get("drifted").asBoolean()).isFalse();
            }
            assertThat(roles).containsExactlyInAnyOrder("leader", "follower", "follower");
        });
        stop();
    }

    @Test
    @Order(2)
    void healUiShowsAKilledMemberFailingReplacedAndTheHerdWholeAgainWithoutReload() throws Exception {
        String token = "test-token-" + Long.toHexString(System.nanoTime()) + "-0123456789";
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, token + "\n");
        int port = startWebView("heal", "heal", "--ui", "--token-file", tokenFile.toString());
        String base = "http://127.0.0.1:" + port + "/";

        // A token is required (it was given), and the browser gets in with it once, through the URL.
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/herd")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        page().manage().deleteAllCookies();
        page().get(base + "?token=" + token);
        assertThat(page().getCurrentUrl()).as("the token leaves the address bar").isEqualTo(base);
        awaitWholeHerd("the herd whole before the kill");
        page().executeScript("window.__samePage = 'no reload since the kill'");
        Set<String> before = healthByServer().keySet();
        String victim = leaders().get(0);

        long killed = System.nanoTime();
        killProcessGroupOf(victim);
        onPage("the killed member shown failing", () -> await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(healthByServer().get(victim)).isNotNull().isNotEqualTo("up")));
        long failing = System.nanoTime();
        browser.screenshot("heal-failing");
        onPage("a replacement shown", () -> await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(healthByServer().keySet()).as("servers on the page").anyMatch(n -> !before.contains(n))));
        long replacement = System.nanoTime();
        browser.screenshot("heal-replacement");
        awaitWholeHerd("the herd whole again");
        long whole = System.nanoTime();
        assertThat(healthByServer()).doesNotContainKey(victim);
        assertThat(page().executeScript("return window.__samePage")).isEqualTo("no reload since the kill");
        await("the healed event in the timeline").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("#timeline li[data-type='healed']")).isPositive());
        browser.fullPage("heal-whole-again");
        System.out.printf("web view: kill -9 of %s: shown failing after %d ms, replacement shown after %d ms, whole again after %d ms%n",
                victim, ms(killed, failing), ms(killed, replacement), ms(killed, whole));
    }

    private static long ms(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private void killProcessGroupOf(String server) throws Exception {
        try (LocalProvider provider = (LocalProvider) new LocalProviderFactory().open(new ProviderContext("etcd-local",
                Map.of("addresses", ADDRESSES), dir.resolve(".drover"), System.getenv()))) {
            OptionalLong pgid = provider.processGroup(server);
            assertThat(pgid).as("process group of " + server).isPresent();
            assertThat(pgid.getAsLong()).isGreaterThan(1);
            // "--" matters: without it this machine's kill(1) misreads "-PGID".
            assertThat(new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).start().waitFor()).isZero();
        }
    }
}
