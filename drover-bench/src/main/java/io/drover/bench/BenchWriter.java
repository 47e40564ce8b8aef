package io.drover.bench;

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

/** Writes sequential keys through etcd's JSON gateway, following membership changes, and times every acknowledged write. */
final class BenchWriter implements AutoCloseable {
    private static final Pattern CLIENT_URLS = Pattern.compile("\"clientURLs\"\\s*:\\s*\\[([^]]*)]");

    private final HttpClient http;
    private final List<String> endpoints = new CopyOnWriteArrayList<>();
    private final List<Long> acks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    BenchWriter(List<String> initial, javax.net.ssl.SSLContext tls) {
        endpoints.addAll(initial);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        http = b.build();
    }

    BenchWriter start(String prefix) {
        thread = Thread.ofPlatform().name("bench-writer").daemon().start(() -> {
            int n = 0;
            while (running.get()) {
                if (put(prefix + String.format("%07d", n), "v" + n)) {
                    acks.add(System.nanoTime());
                    n++;
                }
            }
        });
        return this;
    }

    /** The longest time without an acknowledged write between two instants (System.nanoTime), in ms. */
    long longestGapMillis(long from, long to) {
        long previous = from;
        long longest = 0;
        for (long t : List.copyOf(acks)) {
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
            String answer = post(endpoint + "/v3/kv/put", body);
            if (answer != null && answer.contains("\"header\"")) {
                return true;
            }
        }
        refresh();
        return false;
    }

    private void refresh() {
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
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1))
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
            thread.join(5_000);
        }
        http.close();
    }
}
