package io.drover.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import io.drover.providers.ProviderCatalog;
import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web server over real HTTP, for a real herd file (on the local provider, never applied: the API, the
 * stream and access do not need servers; the end-to-end test in drover-cli has a running etcd herd).
 */
class WebServerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private Herd herd;
    private FileStateStore store;
    private EventLog log;
    private HerdObserver observer;
    private WebServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void herd() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: web-test
                provider:
                  type: local
                  addresses: 127.0.96.0/24
                clusters:
                  web:
                    size: 2
                    image: host
                    health:
                      type: process
                outputs:
                  note: "hello"
                """);
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        herd = new HerdLoader(catalog.all()).load(file);
        store = new FileStateStore(Engine.workDir(herd));
        log = new EventLog(Engine.workDir(herd));
        observer = new HerdObserver(herd, catalog.find("local").orElseThrow(), store, System.getenv(), Duration.ofMillis(200));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        observer.close();
    }

    private WebServer start(WebServer.Settings settings) throws Exception {
        server = WebServer.start(observer, log, settings);
        return server;
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line of a request sent as raw bytes (the JDK client will not send a Host header of our choosing). */
    private String rawStatus(String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void boundOffLoopbackEveryRequestWithoutTheTokenIsRefused() throws Exception {
        // The wildcard address is off loopback (every interface); the test still talks to it over 127.0.0.1 only.
        start(WebServer.Settings.loopback(0).withBind(InetAddress.getByName("0.0.0.0")));
        assertThat(server.requiresToken()).isTrue();
        String token = server.token().value();
        assertThat(server.browserUrl().toString()).endsWith(":" + server.port() + "/?token=" + token);

        for (String path : List.of("/", "/index.html", "/app.js", "/app.css", "/api/herd", "/api/v1/herd", "/api/events", "/api/stream", "/nowhere")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).contains("Bearer realm=\"drover\"");
            assertThat(r.body()).as(path).doesNotContain("web-test");
            assertThat(get(path, "Authorization", "Bearer " + token + "x").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/api/herd", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

        HttpResponse<String> login = get("/?token=" + token);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        HttpResponse<String> page = get("/", "Cookie", cookie.substring(0, cookie.indexOf(';')));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/app.js\"");
    }

    @Test
    void aTokenGivenOnLoopbackIsRequiredToo() throws Exception {
        start(WebServer.Settings.loopback(0).withToken(AccessToken.of("chosen-token-0123456789", "test")));
        assertThat(get("/api/herd").statusCode()).isEqualTo(401);
        assertThat(get("/api/herd", "Authorization", "Bearer chosen-token-0123456789").statusCode()).isEqualTo(200);
    }

    @Test
    void onLoopbackRequestsNamingAnotherHostAreRefused() throws Exception {
        start(WebServer.Settings.loopback(0));
        assertThat(server.requiresToken()).isFalse();
        assertThat(rawStatus("GET /api/herd HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nConnection: close\r\n\r\n")).contains(" 200 ");
        assertThat(rawStatus("GET /api/herd HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")).contains(" 403 ");
    }

    @Test
    void theViewIsReadOnlyAndForbidsInlineScript() throws Exception {
        start(WebServer.Settings.loopback(0));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/herd"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> page = get("/");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(get("/app.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
    }

    @Test
    void herdDocumentShowsTheClustersOutputsAndTheLockHolder() throws Exception {
        start(WebServer.Settings.loopback(0));
        JsonNode doc = JSON.readTree(get("/api/herd").body());
        assertThat(doc.get("apiVersion").asInt()).isEqualTo(1);
        assertThat(doc.get("herd").asString()).isEqualTo("web-test");
        assertThat(doc.get("clusters").get(0).get("name").asString()).isEqualTo("web");
        assertThat(doc.get("clusters").get(0).get("servers")).isEmpty();
        assertThat(doc.get("lock").isNull()).isTrue();

        try (StateLock lock = store.lock("apply")) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // The view refreshes on its own schedule: until it has, "lock" is still null (path() reads it as missing).
                JsonNode locked = JSON.readTree(get("/api/herd").body()).path("lock");
                assertThat(locked.path("operation").asString("")).isEqualTo("apply");
                assertThat(locked.path("pid").asLong(0)).isEqualTo(ProcessHandle.current().pid());
            });
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(JSON.readTree(get("/api/herd").body()).get("lock").isNull()).isTrue());
    }

    @Test
    void eventsSinceATimeOrAnAge() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            log.append(new HealEvent(t0.plusSeconds(i), HealEvent.Kind.STEP, "web", "web[0]", null, "step " + i, null));
        }
        log.append(HealEvent.of(HealEvent.Kind.APPLY, null, null, null, "apply started: now"));
        start(WebServer.Settings.loopback(0));

        JsonNode all = JSON.readTree(get("/api/events").body());
        assertThat(all.get("apiVersion").asInt()).isEqualTo(1);
        assertThat(all.get("events")).hasSize(6);
        JsonNode since = JSON.readTree(get("/api/events?since=2026-01-01T00:00:02Z").body()).get("events");
        assertThat(since).extracting(e -> e.get("message").asString()).containsExactly("step 3", "step 4", "apply started: now");
        assertThat(JSON.readTree(get("/api/events?since=10m").body()).get("events")).extracting(e -> e.get("type").asString()).containsExactly("apply");
        assertThat(JSON.readTree(get("/api/events?limit=2").body()).get("events")).hasSize(2);
        HttpResponse<String> bad = get("/api/events?since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("ISO-8601");
    }

    @Test
    void theStreamSendsTheHerdThenEachNewEventAsItIsLogged() throws Exception {
        start(WebServer.Settings.loopback(0));
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream; charset=utf-8");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(next(lines, "event: herd")).contains("\"herd\":\"web-test\"");
            Instant appended = Instant.now();
            log.append(HealEvent.of(HealEvent.Kind.DETECTED, "web", "web[1]", "web-1-1", "replace (it failed its health checks)"));
            String data = next(lines, "event: event");
            System.out.printf("stream: an appended event reached the client after %d ms%n", Duration.between(appended, Instant.now()).toMillis());
            Map<?, ?> event = JSON.readValue(data.substring("data: ".length()), Map.class);
            assertThat(event.get("type")).isEqualTo("detected");
            assertThat(event.get("server")).isEqualTo("web-1-1");
        }
    }

    @Test
    void thePageShowsTheRecordedServersAtOnceEvenWithManyEventsToReplay() throws Exception {
        assertThat(Chromium.installed()).as("Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
        java.util.List<io.drover.state.ServerRecord> servers = new java.util.ArrayList<>();
        for (int slot = 0; slot < 2; slot++) {
            servers.add(new io.drover.state.ServerRecord("web[" + slot + "]", "web", slot, 1, "web-" + slot + "-1", "gone-" + slot,
                    "127.0.96." + (slot + 1), "sha256:d", "sha256:i", Instant.now(), false, Map.of()));
        }
        io.drover.state.State state = io.drover.state.State.empty("web-test");
        for (io.drover.state.ServerRecord r : servers) {
            state = state.with(r);
        }
        store.write(state.nextSerial(), io.drover.state.StateVersion.NONE);
        // A heal that ran for a while: the last minute alone holds more events than the page keeps.
        Instant start = Instant.now().minusSeconds(50);
        for (int i = 0; i < 2000; i++) {
            log.append(new HealEvent(start.plusMillis(i * 20L), HealEvent.Kind.STEP, "web", "web[" + (i % 2) + "]", null,
                    "step " + i, null));
        }
        start(WebServer.Settings.loopback(0));
        try (Chromium browser = Chromium.start(1280, 900)) {
            browser.driver().get("http://127.0.0.1:" + server.port() + "/");
            // The page measures itself (WebDriver calls take a second of their own on a busy machine): how long after its
            // script started the herd was first drawn.
            String drawnAfter = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> browser.driver().findElement(org.openqa.selenium.By.tagName("body")).getDomAttribute("data-first-render-ms"),
                            java.util.Objects::nonNull);
            System.out.printf("page: the herd was drawn %s ms after the page's script started%n", drawnAfter);
            assertThat(Integer.parseInt(drawnAfter)).isLessThan(500);
            assertThat(browser.driver().findElements(org.openqa.selenium.By.cssSelector("#servers tbody tr[data-server]"))).hasSize(2);
        }
    }

    /** Reads SSE lines until the message of this event line, and returns its data line (bounded in time by the test). */
    private static String next(BufferedReader lines, String eventLine) throws Exception {
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                boolean inside = false;
                while ((line = lines.readLine()) != null) {
                    if (line.equals(eventLine)) {
                        inside = true;
                    } else if (inside && line.startsWith("data: ")) {
                        return line;
                    }
                }
                throw new AssertionError("the stream ended before " + eventLine);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return found.get(20, TimeUnit.SECONDS);
    }
}
