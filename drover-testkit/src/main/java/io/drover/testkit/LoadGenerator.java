package io.drover.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded HTTP load on one URL, as clients of a load balancer would make it: {@code connections} clients, each
 * sending a GET every {@code period} (about {@code connections / period} requests a second), never more than one
 * under way per client. Counts what a client would see: requests, failures (any error or a non-2xx answer), the
 * longest latency, and which bodies came back. Stops by itself after {@code limit}, or at {@link #stop()}.
 */
public final class LoadGenerator implements AutoCloseable {
    private final URI url;
    private final ScheduledExecutorService clients;
    private final HttpClient http;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, Long> bodies = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> firstSeen = new ConcurrentHashMap<>();

    private LoadGenerator(URI url, int connections) {
        this.url = url;
        this.clients = Executors.newScheduledThreadPool(connections, r -> {
            Thread t = new Thread(r, "load");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Starts the load. */
    public static LoadGenerator start(String url, int connections, Duration period, Duration limit) {
        LoadGenerator g = new LoadGenerator(URI.create(url), connections);
        for (int i = 0; i < connections; i++) {
            g.clients.scheduleWithFixedDelay(g::one, i * period.toMillis() / connections, period.toMillis(), TimeUnit.MILLISECONDS);
        }
        g.clients.schedule(g.clients::shutdown, limit.toMillis(), TimeUnit.MILLISECONDS);
        return g;
    }

    private void one() {
        long start = System.nanoTime();
        sent.incrementAndGet();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                fail("HTTP " + r.statusCode());
            } else {
                bodies.merge(r.body().strip(), 1L, Long::sum);
                firstSeen.putIfAbsent(r.body().strip(), java.time.Instant.now());
            }
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        if (failures.size() < 20) {
            failures.add(why);
        }
    }

    /** What the clients saw so far. */
    public Result result() {
        return new Result(sent.get(), failed.get(), Duration.ofNanos(longestNanos.get()), List.copyOf(failures), Map.copyOf(bodies));
    }

    /** When each answer first came back (a server's page names it: when it served its first request). */
    public Map<String, java.time.Instant> firstSeen() {
        return Map.copyOf(firstSeen);
    }

    /** Stops sending and waits for the requests under way; returns what the clients saw. */
    public Result stop() throws InterruptedException {
        clients.shutdown();
        clients.awaitTermination(15, TimeUnit.SECONDS);
        return result();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        http.close();
    }

    /**
     * @param failures the first few failures, for a message
     * @param bodies how many times each answer came back
     */
    public record Result(long sent, long failed, Duration longest, List<String> failures, Map<String, Long> bodies) {
        @Override
        public String toString() {
            return sent + " requests, " + failed + " failed, longest " + longest.toMillis() + " ms" + (failures.isEmpty() ? "" : ", e.g. " + failures);
        }
    }
}
