package io.drover.state;

import java.time.Duration;
import java.util.function.Consumer;

/** Taking a state lock, waiting for it when someone else holds it. */
public final class StateLocks {
    /** How often a waiting run asks again; a dead holder's lock is gone within its TTL anyway. */
    static final Duration POLL = Duration.ofMillis(250);

    /** Time, injected so that waiting is tested without waiting. */
    public interface Ticker {
        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                Thread.sleep(d);
            }
        };

        long nanoTime();

        void sleep(Duration d) throws InterruptedException;
    }

    private StateLocks() {}

    public static StateLock acquire(StateStore store, String operation, Duration timeout, Consumer<LockInfo> waiting)
            throws StateException, InterruptedException {
        return acquire(store, operation, timeout, waiting, Ticker.SYSTEM);
    }

    /**
     * Takes the lock, asking again every 250 ms for up to {@code timeout} while someone else holds it.
     *
     * @param waiting told who holds the lock when this run starts waiting, and again whenever the holder changes
     * @throws LockHeldException the last refusal, when the timeout passed (at once for a zero timeout)
     */
    public static StateLock acquire(StateStore store, String operation, Duration timeout, Consumer<LockInfo> waiting, Ticker ticker)
            throws StateException, InterruptedException {
        long deadline = ticker.nanoTime() + timeout.toNanos();
        String lastHolder = null;
        while (true) {
            try {
                return store.lock(operation);
            } catch (LockHeldException e) {
                if (ticker.nanoTime() - deadline >= 0) {
                    throw e;
                }
                if (!e.holder().id().equals(lastHolder)) {
                    lastHolder = e.holder().id();
                    waiting.accept(e.holder());
                }
                ticker.sleep(POLL);
            }
        }
    }
}
