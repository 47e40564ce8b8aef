package io.drover.provider.openstack;

import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.retry.Sleeper;
import io.drover.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls eventually consistent cloud state (BUILD to ACTIVE, DELETE to 404) until a condition holds or a
 * deadline passes. Pauses start short (a fake or fast cloud answers in half a second) and grow to two seconds.
 */
final class Poller {
    private static final Backoff PAUSES = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2));

    private final Clock clock;
    private final Sleeper sleeper;

    Poller(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Calls {@code probe} until it returns a value or {@code timeout} passes.
     *
     * @return the first value, or empty on time-out
     */
    <T> Optional<T> await(Duration timeout, Supplier<Optional<T>> probe) throws ProviderException {
        try {
            return Retry.until(timeout, PAUSES).withTime(clock, sleeper).poll(probe::get);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("waiting for the cloud", e);
        }
    }
}
