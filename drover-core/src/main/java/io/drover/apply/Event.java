package io.drover.apply;

import io.drover.plan.Action;
import java.time.Duration;

/** Something that happened during an apply, for progress display (human or {@code --json}). */
public sealed interface Event {
    String resource();

    /** A step began, e.g. "etcd[1]: replacing etcd-1-1 (first-boot config or role changed)". */
    record Started(String resource, Action action, String server, String reason) implements Event {}

    /** A step is still working, e.g. "waiting for etcd-1-2 to become healthy". */
    record Progress(String resource, String message) implements Event {}

    record Finished(String resource, Action action, String server, Duration took) implements Event {}

    record Failed(String resource, Action action, String message) implements Event {}

    /** Skipped because something it depends on failed. */
    record Skipped(String resource, Action action, String because) implements Event {}

    /** A remark about the herd as a whole. */
    record Note(String resource, String message) implements Event {}
}
