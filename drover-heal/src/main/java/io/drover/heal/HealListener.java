package io.drover.heal;

/** Receives heal events as they happen, possibly from several threads. */
@FunctionalInterface
public interface HealListener {
    HealListener NONE = e -> {};

    void on(HealEvent event);
}
