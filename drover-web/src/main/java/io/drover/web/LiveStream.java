package io.drover.web;

import io.drover.heal.HealEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live stream behind the page: Server-Sent Events ({@code text/event-stream}) to every open page. One thread
 * follows the event log and looks at the herd for all subscribers together: a new log event goes out at once
 * (and triggers a fresh look at the herd), the herd document at least every {@code herdEvery}. Nothing is looked
 * at while nobody watches.
 */
final class LiveStream implements AutoCloseable {
    /** Open streams beyond this are refused (503): each holds a connection and a (virtual) thread. */
    static final int MAX_SUBSCRIBERS = 64;
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final HerdObserver observer;
    private final EventFeed feed;
    private final Duration herdEvery;
    private final JsonMapper mapper;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread loop;

    private final class Subscriber {
        final OutputStream out;
        final CountDownLatch done = new CountDownLatch(1);

        Subscriber(OutputStream out) {
            this.out = out;
        }

        /** Writes one SSE message; false (and the subscriber dropped) when the page went away. */
        synchronized boolean send(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                drop();
                return false;
            }
        }

        void drop() {
            subscribers.remove(this);
            done.countDown();
        }
    }

    LiveStream(HerdObserver observer, EventFeed feed, Duration herdEvery, JsonMapper mapper) {
        this.observer = observer;
        this.feed = feed;
        this.herdEvery = herdEvery;
        this.mapper = mapper;
        feed.skipToEnd();
        this.loop = Thread.ofPlatform().name("drover-web-stream").daemon().start(this::run);
    }

    /**
     * Serves one subscriber until it goes away or the server stops: first the herd, then the events after
     * {@code since} (what the page has not seen yet, e.g. after a reconnect), then whatever happens.
     *
     * @return false when there are too many subscribers already (nothing was written)
     */
    boolean serve(OutputStream out, Instant since) throws InterruptedException {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return false;
        }
        Subscriber s = new Subscriber(out);
        StringBuilder first = new StringBuilder("retry: 2000\n\n");
        // The herd first, at once (a checked look follows within a tick); then the events the page has not seen.
        first.append(message("herd", null, observer.firstLook()));
        if (since != null) {
            for (HealEvent e : feed.since(since, 1000)) {
                first.append(message("event", e.time().toString(), e.toMap()));
            }
        }
        subscribers.add(s);
        if (s.send(first.toString())) {
            while (!s.done.await(1, TimeUnit.SECONDS) && stop.getCount() > 0) {
                // the loop writes; this thread only keeps the exchange open
            }
        }
        subscribers.remove(s);
        return true;
    }

    private void run() {
        Instant lastHerd = Instant.EPOCH;
        int watching = 0;
        Instant lastWrite = Instant.now();
        try {
            while (!stop.await(TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                List<HealEvent> events = feed.poll(); // followed even while nobody watches, so nothing old is replayed later
                if (subscribers.isEmpty()) {
                    continue;
                }
                StringBuilder out = new StringBuilder();
                for (HealEvent e : events) {
                    out.append(message("event", e.time().toString(), e.toMap()));
                }
                Instant now = Instant.now();
                boolean newcomer = subscribers.size() > watching; // its first herd may have been the state alone
                watching = subscribers.size();
                if (newcomer || !events.isEmpty() || !now.isBefore(lastHerd.plus(herdEvery))) {
                    try {
                        out.append(message("herd", null, observer.look()));
                    } catch (RuntimeException e) {
                        out.append(message("problem", null, Map.of("message", "cannot look at the herd: " + e.getMessage())));
                    }
                    lastHerd = Instant.now();
                }
                if (out.isEmpty() && now.isAfter(lastWrite.plus(KEEP_ALIVE))) {
                    out.append(": keep-alive\n\n"); // proxies close silent connections; a comment is ignored by the page
                }
                if (!out.isEmpty()) {
                    String text = out.toString();
                    subscribers.forEach(s -> s.send(text));
                    lastWrite = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One SSE message; JSON has no raw newlines, so it fits one {@code data:} line. */
    private String message(String type, String id, Object data) {
        return "event: " + type + "\n" + (id == null ? "" : "id: " + id + "\n") + "data: " + mapper.writeValueAsString(data) + "\n\n";
    }

    int subscribers() {
        return subscribers.size();
    }

    @Override
    public void close() {
        stop.countDown();
        subscribers.forEach(Subscriber::drop);
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
