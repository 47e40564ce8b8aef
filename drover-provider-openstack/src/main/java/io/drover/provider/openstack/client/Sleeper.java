package io.drover.provider.openstack.client;

import java.time.Duration;

/** Waits between retries and polls; an interface so that the waiting can be observed where it matters. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}
