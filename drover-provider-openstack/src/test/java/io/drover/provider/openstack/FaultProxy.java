package io.drover.provider.openstack;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 for testing how clients cope with an unreliable cloud. It listens
 * on one loopback port per upstream origin (e.g. Keystone, Nova, Glance, Neutron) and forwards every request,
 * except that, at a configurable rate or on demand, it drops the connection (before or after the upstream
 * saw the request), answers 503 or 429 with {@code Retry-After}, answers 401, or delays the request.
 *
 * <p>Response bodies and {@code Location} headers are rewritten so that upstream URLs (such as Keystone's
 * service catalog) point at the proxy: a client that only knows the proxied auth URL reaches every service
 * through the proxy.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(List.of(keystone, nova), FaultProxy.Plan.failing(0.2, 42))) {
 *     URI auth = proxy.uriFor(URI.create("http://127.0.0.1:5000/v3"));
 *     ...
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    /** What can go wrong with one request. */
    public enum Fault {
        /** Close the connection without forwarding: the request surely did not reach the server. */
        DROP_BEFORE,
        /** Forward, then close the connection without answering: the server acted, the client cannot know. */
        DROP_AFTER,
        /** Answer 503 without forwarding. */
        STATUS_503,
        /** Answer 429 with {@code Retry-After} without forwarding. */
        STATUS_429,
        /** Answer 401 without forwarding (as for a revoked token). */
        STATUS_401,
        /** Wait {@link Plan#delay()} before forwarding. */
        DELAY
    }

    /**
     * When to inject faults at random.
     *
     * @param rate the share of requests that get a fault, 0 to 1
     * @param kinds the faults to choose from, uniformly
     * @param retryAfterSeconds the {@code Retry-After} of 429 answers
     */
    public record Plan(double rate, List<Fault> kinds, Duration delay, int retryAfterSeconds, long seed) {
        public Plan {
            kinds = List.copyOf(kinds);
        }

        public static Plan none() {
            return new Plan(0, List.of(), Duration.ZERO, 0, 0);
        }

        /**
         * The mix a flaky cloud shows: lost requests, lost responses, 503s, 429s and slow answers.
         * (401 is left out: it is a different kind of failure, tested separately.)
         */
        public static Plan failing(double rate, long seed) {
            return new Plan(rate, List.of(Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.STATUS_503, Fault.STATUS_429, Fault.DELAY),
                    Duration.ofMillis(300), 1, seed);
        }
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-authorization", "proxy-authenticate", "http2-settings");

    private final HttpClient upstreamClient;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, HttpServer> servers = new LinkedHashMap<>(); // upstream origin -> listener
    private final Map<String, String> rewrites = new LinkedHashMap<>(); // upstream origin -> proxy origin
    private final Deque<Fault> queued = new ArrayDeque<>();
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final AtomicInteger requests = new AtomicInteger();
    /** Every request received, as "METHOD /path?query", in order (for tests that count what a client asks). */
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile Plan plan;
    private Random random;

    private FaultProxy(Plan plan) {
        this.plan = plan;
        this.random = new Random(plan.seed());
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicInteger());
        }
        this.upstreamClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Starts one listener per distinct upstream origin (scheme, host, port; paths are ignored). */
    public static FaultProxy start(List<URI> upstreams, Plan plan) throws IOException {
        FaultProxy proxy = new FaultProxy(plan);
        try {
            for (URI upstream : upstreams) {
                proxy.listen(origin(upstream));
            }
        } catch (IOException | RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private void listen(String upstreamOrigin) throws IOException {
        if (servers.containsKey(upstreamOrigin)) {
            return;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, upstreamOrigin));
        server.start();
        servers.put(upstreamOrigin, server);
        rewrites.put(upstreamOrigin, "http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The proxied form of an upstream URL (same path and query). */
    public URI uriFor(URI upstream) {
        String proxyOrigin = rewrites.get(origin(upstream));
        if (proxyOrigin == null) {
            throw new IllegalArgumentException("not proxied: " + origin(upstream));
        }
        return URI.create(proxyOrigin + upstream.toString().substring(origin(upstream).length()));
    }

    public void setPlan(Plan newPlan) {
        synchronized (this) {
            random = new Random(newPlan.seed());
        }
        plan = newPlan;
    }

    /** Injects these faults into the next requests, in order, before the plan's random faults apply again. */
    public synchronized void injectNext(Fault... faults) {
        queued.addAll(List.of(faults));
    }

    /** Requests received so far (including those that got a fault). */
    public int requests() {
        return requests.get();
    }

    /** Every request received so far, as "METHOD /path?query", in the order received. */
    public List<String> requestLog() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public int injected(Fault fault) {
        return injected.get(fault).get();
    }

    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private synchronized Fault nextFault() {
        if (!queued.isEmpty()) {
            return queued.poll();
        }
        Plan current = plan;
        if (current.kinds().isEmpty() || current.rate() <= 0 || random.nextDouble() >= current.rate()) {
            return null;
        }
        return current.kinds().get(random.nextInt(current.kinds().size()));
    }

    private void handle(HttpExchange exchange, String upstreamOrigin) throws IOException {
        requests.incrementAndGet();
        log.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        try (exchange) {
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            Fault fault = nextFault();
            if (fault != null) {
                injected.get(fault).incrementAndGet();
            }
            if (fault == Fault.DROP_BEFORE) {
                return; // closing an exchange without a response closes its connection
            }
            if (fault == Fault.STATUS_503 || fault == Fault.STATUS_429 || fault == Fault.STATUS_401) {
                int status = fault == Fault.STATUS_503 ? 503 : fault == Fault.STATUS_429 ? 429 : 401;
                if (fault == Fault.STATUS_429) {
                    exchange.getResponseHeaders().set("Retry-After", Integer.toString(plan.retryAfterSeconds()));
                }
                byte[] body = ("{\"error\": {\"code\": " + status + ", \"message\": \"injected by FaultProxy\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            if (fault == Fault.DELAY) {
                // Waits on a timer instead of sleeping the handler thread.
                CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(plan.delay().toMillis(), TimeUnit.MILLISECONDS)).join();
            }
            HttpResponse<byte[]> response;
            try {
                response = forward(exchange, upstreamOrigin, requestBody);
            } catch (IOException e) {
                return; // upstream unreachable: the client sees a dropped connection, as it would without us
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (fault == Fault.DROP_AFTER) {
                return;
            }
            reply(exchange, response);
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, String upstreamOrigin, byte[] body)
            throws IOException, InterruptedException {
        URI target = URI.create(upstreamOrigin + exchange.getRequestURI().toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(120))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    request.header(header.getKey(), value);
                }
            }
        }
        return upstreamClient.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void reply(HttpExchange exchange, HttpResponse<byte[]> response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || name.startsWith(":")) {
                continue;
            }
            List<String> values = new ArrayList<>();
            for (String value : header.getValue()) {
                values.add(name.equals("location") ? rewrite(value) : value);
            }
            headers.put(header.getKey(), values);
        }
        byte[] body = response.body();
        if (contentType.contains("json") || contentType.startsWith("text/")) {
            body = rewrite(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        int status = response.statusCode();
        boolean noBody = body.length == 0 || status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    private String rewrite(String text) {
        String result = text;
        for (Map.Entry<String, String> rewrite : rewrites.entrySet()) {
            result = result.replace(rewrite.getKey(), rewrite.getValue());
        }
        return result;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() == -1
                ? ("https".equals(uri.getScheme()) ? 443 : 80)
                : uri.getPort());
    }

    @Override
    public void close() {
        for (HttpServer server : servers.values()) {
            server.stop(0);
        }
        executor.shutdownNow();
        upstreamClient.close();
    }
}
