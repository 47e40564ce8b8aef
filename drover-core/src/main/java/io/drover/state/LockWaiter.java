package io.drover.state;

import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Takes the state lock, waiting up to a timeout while someone else holds it (a heal pass replacing a server, a
 * colleague's apply), like Terraform's {@code -lock-timeout}. Whoever waits is told who holds the lock.
 */
public final class LockWaiter {
    private final Clock clock;
    private final Sleeper sleeper;

    public LockWaiter(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public LockWaiter() {
        this(Clock.systemUTC(), Sleeper.SYSTEM);
    }

    /**
     * @param waiting told about each new holder while waiting
     * @throws LockHeldException when the lock is still held after {@code timeout}
     */
    public StateLock lock(StateStore store, String operation, Duration timeout, Consumer<LockInfo> waiting)
            throws StateException, InterruptedException {
        LockInfo[] last = {null};
        LockHeldException[] refused = {null};
        Optional<StateLock> lock = Retry.until(timeout, Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .withTime(clock, sleeper)
                .poll(() -> {
                    try {
                        return Optional.of(store.lock(operation));
                    } catch (LockHeldException e) {
                        refused[0] = e;
                        LockInfo holder = e.holder();
                        // A holder whose note cannot be read (pid unknown) right after a known one is that holder
                        // handing the lock over (its note half removed), not someone new worth telling about.
                        boolean unreadable = holder.pid() < 0;
                        if (last[0] == null || (!unreadable && !sameHolder(last[0], holder))) {
                            waiting.accept(holder);
                        }
                        if (last[0] == null || !unreadable) {
                            last[0] = holder;
                        }
                        return Optional.empty();
                    }
                });
        if (lock.isEmpty()) {
            throw refused[0];
        }
        return lock.get();
    }

    private static boolean sameHolder(LockInfo a, LockInfo b) {
        return a.pid() == b.pid() && a.host().equals(b.host()) && a.operation().equals(b.operation());
    }
}
