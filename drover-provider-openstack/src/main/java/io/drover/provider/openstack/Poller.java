package io.drover.provider.openstack;

import io.drover.provider.openstack.client.Sleeper;
import io.drover.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls eventually consistent cloud state (BUILD to ACTIVE, DELETE to 404) until a condition holds or a
 * deadline passes. Pauses start short (a fake or fast cloud answers in half a second) and grow to two seconds.
 */
final class Poller {
    private static final Duration FIRST = Duration.ofMillis(200);
    private static final Duration MAX = Duration.ofSeconds(2);

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
        Instant deadline = clock.instant().plus(timeout);
        Duration pause = FIRST;
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Optional.empty();
            }
            try {
                sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("Interrupted while waiting for the cloud", e);
            }
            pause = pause.multipliedBy(2).compareTo(MAX) < 0 ? pause.multipliedBy(2) : MAX;
        }
    }
}
