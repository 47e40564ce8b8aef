package io.drover.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps writing sequential keys to an etcd cluster through its v3 JSON gateway and records every acknowledged
 * write with the time it was acknowledged, so tests can prove no acknowledged write is lost and benchmarks can
 * measure write unavailability. Like a well-behaved etcd client it follows membership changes: it re-reads the
 * member list every 250 ms (endpoint auto-sync) and whenever every endpoint it knows fails.
 */
public final class EtcdWriter implements AutoCloseable {
    private static final long SYNC_NANOS = 250_000_000L;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final List<String> endpoints = new CopyOnWriteArrayList<>();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final List<Long> ackNanos = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    /** @param tls the cluster's client identity when it runs TLS, else null */
    public EtcdWriter(List<String> initialEndpoints, javax.net.ssl.SSLContext tls) {
        endpoints.addAll(initialEndpoints);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        http = b.build();
    }

    /** Starts writing {@code prefix0000000}, {@code prefix0000001}, ... until closed. */
    public EtcdWriter start(String prefix) {
        thread = Thread.ofPlatform().name("etcd-writer").daemon().start(() -> {
            int n = 0;
            long lastSync = System.nanoTime();
            while (running.get()) {
                if (System.nanoTime() - lastSync > SYNC_NANOS) {
                    refreshEndpoints();
                    lastSync = System.nanoTime();
                }
                String key = prefix + String.format("%07d", n);
                if (put(key, "v" + n)) {
                    acknowledged.add(key);
                    ackNanos.add(System.nanoTime());
                    n++;
                }
            }
        });
        return this;
    }

    /** Tells the writer about endpoints it may not know yet, as a client re-reading its configuration would. */
    public void learn(List<String> current) {
        List<String> merged = new ArrayList<>(current);
        endpoints.stream().filter(e -> !current.contains(e)).forEach(merged::add);
        endpoints.clear();
        endpoints.addAll(merged);
    }

    public List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** When each of {@link #acknowledged()} was acknowledged (System.nanoTime), in the same order. */
    public List<Long> acknowledgedNanos() {
        return List.copyOf(ackNanos);
    }

    /** Stops writing (as an application that saw its cluster fail would), keeping the client for reads. */
    public void stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(10_000);
        }
    }

    /** The longest time without an acknowledged write since {@code sinceNanos} (System.nanoTime), in ms. */
    public long longestGapMillis(long sinceNanos) {
        return longestGapMillis(sinceNanos, System.nanoTime());
    }

    /** The longest time without an acknowledged write between two instants (System.nanoTime), in ms. */
    public long longestGapMillis(long from, long to) {
        long previous = from;
        long longest = 0;
        for (long t : List.copyOf(ackNanos)) {
            if (t < from) {
                continue;
            }
            if (t > to) {
                break;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, to - previous) / 1_000_000;
    }

    private boolean put(String key, String value) {
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}";
        for (String endpoint : List.copyOf(endpoints)) {
            JsonNode answer = post(endpoint + "/v3/kv/put", body);
            if (answer != null && answer.has("header")) {
                return true;
            }
        }
        refreshEndpoints();
        return false;
    }

    /** Every key under a prefix, read with one linearizable range request; null if no member answered. */
    public Set<String> keys(String prefix) {
        String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
        String body = "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\"" + b64(end) + "\",\"keys_only\":true}";
        for (String endpoint : List.copyOf(endpoints)) {
            // Tens of thousands of keys in one linearizable read: give it longer than a write on a busy machine.
            JsonNode answer = post(endpoint + "/v3/kv/range", body, Duration.ofSeconds(10));
            if (answer != null && answer.has("header")) {
                Set<String> keys = new HashSet<>();
                answer.path("kvs").forEach(kv -> keys.add(new String(Base64.getDecoder().decode(kv.get("key").asString()), StandardCharsets.UTF_8)));
                return keys;
            }
        }
        return null;
    }

    /** The number of members in the cluster's member list, -1 if no member answered. */
    public int memberCount() {
        for (String endpoint : List.copyOf(endpoints)) {
            JsonNode answer = post(endpoint + "/v3/cluster/member/list", "{}");
            if (answer != null && answer.has("members")) {
                return answer.get("members").size();
            }
        }
        return -1;
    }

    /**
     * The cluster's members as it lists them: each started member's name, a learner's name followed by
     * " (learner)", and a member added but never started as "(unstarted)". Null if no member answered.
     */
    public List<String> members() {
        for (String endpoint : List.copyOf(endpoints)) {
            JsonNode answer = post(endpoint + "/v3/cluster/member/list", "{}");
            if (answer != null && answer.has("members")) {
                List<String> names = new ArrayList<>();
                answer.get("members").forEach(m -> {
                    String name = m.path("name").asString("");
                    names.add((name.isEmpty() ? "(unstarted)" : name) + (m.path("isLearner").asBoolean(false) ? " (learner)" : ""));
                });
                return names;
            }
        }
        return null;
    }

    /** Whether the member at this client URL is the leader right now. */
    public boolean isLeader(String clientUrl) {
        JsonNode status = post(clientUrl + "/v3/maintenance/status", "{}");
        return status != null && status.path("leader").asString("").equals(status.path("header").path("member_id").asString("-"));
    }

    public void refreshEndpoints() {
        for (String endpoint : List.copyOf(endpoints)) {
            JsonNode answer = post(endpoint + "/v3/cluster/member/list", "{}");
            if (answer == null) {
                continue;
            }
            List<String> found = new ArrayList<>();
            answer.path("members").forEach(m -> m.path("clientURLs").forEach(u -> found.add(u.asString())));
            if (!found.isEmpty()) {
                // Old ones last: a member being replaced may still answer for a while.
                List<String> merged = new ArrayList<>(found);
                endpoints.stream().filter(e -> !found.contains(e)).forEach(merged::add);
                endpoints.clear();
                endpoints.addAll(merged);
                return;
            }
        }
    }

    /** Whether {@code key} is readable (a linearizable read through any member that answers). */
    public boolean has(String key) {
        String body = "{\"key\":\"" + b64(key) + "\",\"keys_only\":true}";
        for (String endpoint : List.copyOf(endpoints)) {
            JsonNode answer = post(endpoint + "/v3/kv/range", body);
            if (answer != null && answer.has("header")) {
                return answer.path("kvs").size() > 0;
            }
        }
        return false;
    }

    private JsonNode post(String url, String body) {
        return post(url, body, Duration.ofSeconds(1));
    }

    private JsonNode post(String url, String body, Duration timeout) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(10_000);
        }
        http.close();
    }
}
