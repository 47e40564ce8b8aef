package io.drover.web;

import io.drover.roles.EtcdStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The raft status of one etcd cluster's members, asked in the background: a look at the herd takes the latest
 * answers at once and, when they are older than {@code maxAge}, has them asked again. So a cold or slow etcd
 * client (jetcd dials and TLS-handshakes a channel per status call) never holds up the health the page shows.
 */
final class RaftWatch implements AutoCloseable {
    private static final Duration STUCK = Duration.ofSeconds(20);
    private final EtcdStatus status;
    private final Duration maxAge;
    private Map<String, EtcdStatus.Answer> answers = Map.of();
    private Instant askedAt = Instant.EPOCH;
    private Instant askStarted = Instant.EPOCH;
    private boolean asking;
    private boolean closed;

    RaftWatch(EtcdStatus status, Duration maxAge) {
        this.status = status;
        this.maxAge = maxAge;
    }

    List<String> clientUrls() {
        return status.clientUrls();
    }

    /** The latest answers by client URL (empty until the first ones came); asks again in the background when stale. */
    synchronized Map<String, EtcdStatus.Answer> latest() {
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

    private Map<String, EtcdStatus.Answer> errors(String why) {
        Map<String, EtcdStatus.Answer> m = new java.util.LinkedHashMap<>();
        for (String url : status.clientUrls()) {
            m.put(url, new EtcdStatus.Answer(url, null, why));
        }
        return m;
    }

    private void ask() {
        Map<String, EtcdStatus.Answer> fresh = null;
        try {
            fresh = status.ask();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // A client closed under us (the state changed: the next watch asks again), or one that cannot work: say why.
            fresh = errors("cannot ask: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        } finally {
            synchronized (this) {
                if (fresh != null) {
                    answers = fresh;
                }
                askedAt = Instant.now();
                asking = false;
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        status.close();
    }
}
