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
    private final EtcdStatus status;
    private final Duration maxAge;
    private Map<String, EtcdStatus.Answer> answers = Map.of();
    private Instant askedAt = Instant.EPOCH;
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
        if (!asking && !closed && !Instant.now().isBefore(askedAt.plus(maxAge))) {
            asking = true;
            Thread.ofVirtual().name("drover-web-raft").start(this::ask);
        }
        return answers;
    }

    private void ask() {
        Map<String, EtcdStatus.Answer> fresh = null;
        try {
            fresh = status.ask();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a client closed under us (the state changed): the next watch asks again
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
