package io.drover.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that keeps writing sequential keys to an etcd cluster through its v3 JSON gateway and remembers
 * every write etcd acknowledged. Like a well-behaved etcd client it follows membership changes: when an
 * endpoint fails it tries the others and refreshes its list from the cluster's member list.
 */
final class EtcdWriter implements AutoCloseable {
    private static final Pattern CLIENT_URLS = Pattern.compile("\"clientURLs\"\\s*:\\s*\\[([^]]*)]");

    private final HttpClient http;
    private final List<String> endpoints = new CopyOnWriteArrayList<>();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;
    private volatile int failures;

    /** @param tls the client identity for a cluster with mutual TLS, or null */
    EtcdWriter(List<String> initialEndpoints, javax.net.ssl.SSLContext tls) {
        endpoints.addAll(initialEndpoints);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500));
        if (tls != null) {
            b.sslContext(tls);
        }
        http = b.build();
    }

    /** Starts writing {@code prefix000000}, {@code prefix000001}, ... until closed. */
    EtcdWriter start(String prefix) {
        thread = Thread.ofPlatform().name("etcd-writer").daemon().start(() -> {
            int n = 0;
            long lastSync = System.nanoTime();
            while (running.get()) {
                if (System.nanoTime() - lastSync > 250_000_000L) {
                    refreshEndpoints(); // endpoint auto-sync, as etcd clients do
                    lastSync = System.nanoTime();
                }
                String key = prefix + String.format("%06d", n);
                if (put(key, "v" + n)) {
                    acknowledged.add(key);
                    n++;
                } else {
                    failures++;
                }
            }
        });
        return this;
    }

    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    int failures() {
        return failures;
    }

    private boolean put(String key, String value) {
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}";
        for (String endpoint : List.copyOf(endpoints)) {
            String answer = post(endpoint + "/v3/kv/put", body);
            if (answer != null && answer.contains("\"header\"")) {
                return true;
            }
        }
        refreshEndpoints();
        return false;
    }

    /** Reads a key back with a linearizable read; true if it has the value written. */
    boolean has(String key) {
        String body = "{\"key\":\"" + b64(key) + "\"}";
        for (String endpoint : List.copyOf(endpoints)) {
            String answer = post(endpoint + "/v3/kv/range", body);
            if (answer != null && answer.contains("\"header\"")) {
                return answer.contains("\"key\":\"" + b64(key) + "\"");
            }
        }
        return false;
    }

    void refreshEndpoints() {
        for (String endpoint : List.copyOf(endpoints)) {
            String answer = post(endpoint + "/v3/cluster/member/list", "{}");
            if (answer == null) {
                continue;
            }
            List<String> found = new ArrayList<>();
            Matcher m = CLIENT_URLS.matcher(answer);
            while (m.find()) {
                for (String u : m.group(1).split(",")) {
                    String url = u.strip().replace("\"", "");
                    if (!url.isEmpty()) {
                        found.add(url);
                    }
                }
            }
            if (!found.isEmpty()) {
                // Keep old ones at the end: a member being replaced may still answer for a while.
                List<String> merged = new ArrayList<>(found);
                endpoints.stream().filter(e -> !found.contains(e)).forEach(merged::add);
                endpoints.clear();
                endpoints.addAll(merged);
                return;
            }
        }
    }

    private String post(String url, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (java.io.IOException e) {
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
