package io.drover.web;

import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.roles.EtcdGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The raft status of one etcd cluster's members (etcd's maintenance {@code Status}, as {@code etcdctl endpoint
 * status} shows it), asked in the background: a look at the herd takes the latest answers at once and, when they
 * are older than {@code maxAge}, has them asked again, every member at once. A slow or frozen member so never
 * holds up the health the page shows. Read-only.
 */
final class RaftWatch implements AutoCloseable {
    private static final Duration STUCK = Duration.ofSeconds(20);

    private final EtcdGateway gateway;
    private final List<String> clientUrls;
    private final Duration timeout;
    private final Duration maxAge;
    private Map<String, Answer> answers = Map.of();
    private Instant askedAt = Instant.EPOCH;
    private Instant askStarted = Instant.EPOCH;
    private boolean asking;
    private boolean closed;

    /** One member's answer, or why there is none ({@code error}). */
    record Answer(String clientUrl, EtcdGateway.MemberStatus status, String error) {}

    RaftWatch(List<String> clientUrls, javax.net.ssl.SSLContext tls, Duration timeout, Duration maxAge) {
        this.clientUrls = List.copyOf(clientUrls);
        // Status calls are single tries (a look a second later is the retry).
        this.gateway = new EtcdGateway(clientUrls, tls, Retry.attempts(1, Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(100))));
        this.timeout = timeout;
        this.maxAge = maxAge;
    }

    List<String> clientUrls() {
        return clientUrls;
    }

    /** The latest answers by client URL (empty until the first ones came); asks again in the background when stale. */
    synchronized Map<String, Answer> latest() {
        Instant now = Instant.now();
        if (!asking && !closed && !now.isBefore(askedAt.plus(maxAge))) {
            asking = true;
            askStarted = now;
            Thread.ofVirtual().name("drover-web-raft").start(this::ask);
        } else if (asking && now.isAfter(askStarted.plus(STUCK))) {
            // Every call has a timeout, so this should not happen; if it does, the page says so rather than show old roles.
            return errors("the status call has not returned for " + Duration.between(askStarted, now).toSeconds() + " s");
        }
        return answers;
    }

    private void ask() {
        Map<String, Answer> fresh = new LinkedHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<Optional<EtcdGateway.MemberStatus>>> pending = new LinkedHashMap<>();
            for (String url : clientUrls) {
                pending.put(url, threads.submit(() -> gateway.status(url, timeout)));
            }
            long deadline = System.nanoTime() + timeout.plusSeconds(1).toNanos();
            for (Map.Entry<String, Future<Optional<EtcdGateway.MemberStatus>>> e : pending.entrySet()) {
                String url = e.getKey();
                try {
                    Optional<EtcdGateway.MemberStatus> s = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    fresh.put(url, s.map(status -> new Answer(url, status, null))
                            .orElseGet(() -> new Answer(url, null, "no answer from " + url + " within " + timeout.toMillis() + " ms")));
                } catch (TimeoutException ex) {
                    e.getValue().cancel(true);
                    fresh.put(url, new Answer(url, null, "no answer from " + url + " within " + timeout.toMillis() + " ms"));
                } catch (java.util.concurrent.ExecutionException ex) {
                    fresh.put(url, new Answer(url, null, "cannot ask " + url + ": " + ex.getCause()));
                }
            }
            threads.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                if (fresh.size() == clientUrls.size()) {
                    answers = fresh;
                }
                askedAt = Instant.now();
                asking = false;
            }
        }
    }

    private Map<String, Answer> errors(String why) {
        Map<String, Answer> m = new LinkedHashMap<>();
        for (String url : clientUrls) {
            m.put(url, new Answer(url, null, why));
        }
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        gateway.close();
    }
}
