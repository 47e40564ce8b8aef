package io.drover.apply;

/** Receives apply events, possibly from several threads at once. */
@FunctionalInterface
public interface EventSink {
    EventSink NONE = e -> {};

    void emit(Event event);
}
