package io.drover.retry;

import java.time.Duration;

/**
 * Waits. Everything in Drover that waits (retries, polls, health waits) goes through one of these, so that tests
 * can replace waiting by advancing a clock and run in milliseconds.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    };

    void sleep(Duration duration) throws InterruptedException;
}
