package io.drover.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import io.drover.spi.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web view of one herd on the JDK's HTTP server: the page and its assets (served from the jar: no CDN),
 * the JSON API ({@code /api/herd}, {@code /api/events}) and the live stream ({@code /api/stream}). Read-only:
 * anything but GET and HEAD is refused. Every request passes {@link Access} first.
 */
public final class WebServer implements AutoCloseable {
    private static final String STATIC = "/io/drover/web/static/";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/app.css", "app.css",
            "/favicon.svg", "favicon.svg");
    /** No inline script or style, nothing from elsewhere: a value that slipped through as markup still could not run. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final int EVENTS_LIMIT = 5000;

    private final HttpServer server;
    private final ExecutorService threads;
    private final Access access;
    private final AccessToken token;
    private final HerdObserver observer;
    private final EventFeed feed;
    private final LiveStream stream;
    private final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /**
     * Where and how to serve.
     *
     * @param bind the address to listen on; anything but a loopback address requires a token
     * @param port 0 picks a free port (see {@link #port()})
     * @param token the token clients must show, or null: none on loopback, a generated one elsewhere
     * @param herdEvery how often open pages get the herd document (health, raft status) while nothing happens
     */
    public record Settings(InetAddress bind, int port, AccessToken token, Duration herdEvery) {
        public static Settings loopback(int port) {
            return new Settings(InetAddress.getLoopbackAddress(), port, null, Duration.ofSeconds(1));
        }

        public Settings withBind(InetAddress address) {
            return new Settings(address, port, token, herdEvery);
        }

        public Settings withToken(AccessToken t) {
            return new Settings(bind, port, t, herdEvery);
        }
    }

    private WebServer(HttpServer server, ExecutorService threads, AccessToken token, HerdObserver observer, EventFeed feed,
            LiveStream stream) {
        this.server = server;
        this.threads = threads;
        this.token = token;
        this.access = new Access(token, server.getAddress().getPort());
        this.observer = observer;
        this.feed = feed;
        this.stream = stream;
    }

    /** Starts serving; the observer is the caller's to close, after this server. */
    public static WebServer start(HerdObserver observer, EventLog log, Settings settings) throws IOException {
        AccessToken token = settings.token();
        if (token == null && !settings.bind().isLoopbackAddress()) {
            token = AccessToken.generate(); // off loopback a token is never optional
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 0);
        // Each open page holds one stream: virtual threads keep that cheap.
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(threads);
        EventFeed feed = new EventFeed(log);
        LiveStream stream = new LiveStream(observer, feed, settings.herdEvery(), JsonMapper.builder().build());
        WebServer web = new WebServer(http, threads, token, observer, feed, stream);
        http.createContext("/", web::handle);
        http.start();
        threads.submit(() -> {
            observer.warmUp();
            return null;
        });
        return web;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public boolean requiresToken() {
        return access.requiresToken();
    }

    /** The token clients must show, or null when none is required. */
    public AccessToken token() {
        return token;
    }

    /**
     * The address to open in a browser: with {@code ?token=} when a token is required (the page then keeps it in
     * a cookie and drops it from the address). A wildcard bind is shown as this machine's name.
     */
    public URI browserUrl() {
        InetAddress a = server.getAddress().getAddress();
        String host;
        if (a.isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        } else {
            host = a.getHostAddress().contains(":") ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        }
        return URI.create("http://" + host + ":" + port() + "/" + (token == null ? "" : "?token=" + token.value()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers in = exchange.getRequestHeaders();
            URI uri = exchange.getRequestURI();
            Headers out = exchange.getResponseHeaders();
            out.set("X-Content-Type-Options", "nosniff");
            out.set("Referrer-Policy", "no-referrer");
            out.set("X-Frame-Options", "DENY");
            Access.Decision decision = access.decide(new Access.Request(uri.getRawPath(), uri.getRawQuery(), in.getFirst("Host"),
                    in.getFirst("Authorization"), String.join("; ", in.getOrDefault("Cookie", List.of()))));
            switch (decision) {
                case Access.Decision.Refuse r -> {
                    if (r.status() == 401) {
                        out.set("WWW-Authenticate", "Bearer realm=\"drover\"");
                    }
                    text(exchange, r.status(), r.reason() + "\n");
                    return;
                }
                case Access.Decision.Remember r -> {
                    out.set("Set-Cookie", r.setCookie());
                    out.set("Location", r.location());
                    out.set("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(303, -1);
                    return;
                }
                case Access.Decision.Allow a -> {
                    // served below
                }
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                out.set("Allow", "GET, HEAD");
                text(exchange, 405, "the web view is read-only\n");
                return;
            }
            String path = uri.getPath();
            if (path.startsWith("/api/v1/")) {
                path = "/api/" + path.substring("/api/v1/".length());
            }
            switch (path) {
                case "/api/herd" -> json(exchange, observer.look());
                case "/api/events" -> events(exchange, uri.getRawQuery());
                case "/api/stream" -> stream(exchange, uri.getRawQuery());
                default -> asset(exchange, path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            try {
                text(exchange, 500, "internal error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // headers already sent (a stream): nothing more to say
            }
        }
    }

    private void events(HttpExchange exchange, String rawQuery) throws IOException {
        Instant since;
        int limit;
        try {
            since = since(first(rawQuery, "since"));
            String l = first(rawQuery, "limit");
            limit = l == null ? 500 : Math.max(1, Math.min(EVENTS_LIMIT, Integer.parseInt(l)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            text(exchange, 400, "bad query: " + e.getMessage() + " (since: an ISO-8601 time such as 2025-01-01T12:00:00Z,"
                    + " or an age such as 90s, 15m, 2h; limit: a number)\n");
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", HerdObserver.API_VERSION);
        doc.put("herd", observer.herd().name());
        doc.put("events", feed.since(since, limit).stream().map(HealEvent::toMap).toList());
        json(exchange, doc);
    }

    private void stream(HttpExchange exchange, String rawQuery) throws IOException, InterruptedException {
        Instant since;
        try {
            String lastId = exchange.getRequestHeaders().getFirst("Last-Event-ID"); // a reconnecting EventSource
            since = since(lastId != null ? lastId : first(rawQuery, "since"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            text(exchange, 400, "bad since: " + e.getMessage() + "\n");
            return;
        }
        if (stream.subscribers() >= LiveStream.MAX_SUBSCRIBERS) {
            text(exchange, 503, "too many open pages (" + LiveStream.MAX_SUBSCRIBERS + "); close some\n");
            return;
        }
        Headers out = exchange.getResponseHeaders();
        out.set("Content-Type", "text/event-stream; charset=utf-8");
        out.set("Cache-Control", "no-store");
        out.set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
            stream.serve(body, since);
        }
    }

    /** {@code since}: an ISO-8601 instant, or an age ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}). */
    static Instant since(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().minus(d);
        }
        return Timestamps.parse(value);
    }

    private static String first(String rawQuery, String name) {
        List<String> values = Access.queryValues(rawQuery, name);
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * The page with the herd as last seen inlined, as a JSON data block the script renders before anything else: the
     * page shows the herd at once, whatever the stream has to replay first. A data block is not run, so the policy
     * forbidding inline script still holds; {@code <}, {@code >} and {@code &} are escaped, so no value can end it.
     */
    private byte[] withSnapshot(byte[] page) throws InterruptedException {
        String json;
        try {
            json = mapper.writeValueAsString(observer.firstLook());
        } catch (RuntimeException e) {
            return page; // the stream says what went wrong
        }
        String safe = json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        return new String(page, StandardCharsets.UTF_8)
                .replace("<!--snapshot-->", "<script type=\"application/json\" id=\"snapshot\">" + safe + "</script>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void asset(HttpExchange exchange, String path) throws IOException, InterruptedException {
        String name = ASSETS.get(path);
        if (name == null) {
            text(exchange, 404, "no such page: " + path + "\n");
            return;
        }
        byte[] body;
        try (InputStream in = WebServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null) {
                text(exchange, 500, "the jar lacks " + name + "\n");
                return;
            }
            body = in.readAllBytes();
        }
        if (name.equals("index.html")) {
            body = withSnapshot(body);
        }
        Headers out = exchange.getResponseHeaders();
        out.set("Content-Type", switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        });
        out.set("Content-Security-Policy", CSP);
        out.set("Cache-Control", "no-cache");
        send(exchange, 200, body);
    }

    private void json(HttpExchange exchange, Object doc) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, 200, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        stream.close();
        server.stop(0);
        threads.shutdownNow();
    }
}
