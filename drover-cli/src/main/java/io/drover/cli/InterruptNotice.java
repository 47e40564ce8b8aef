package io.drover.cli;

import io.drover.apply.Event;
import io.drover.apply.EventSink;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Ctrl-C (SIGINT) or SIGTERM of an apply or destroy says. The JVM ends at once on them, running only its
 * shutdown hooks, so without this the output stopped at the step in progress and the user could not tell that the
 * steps before it were saved and that running the command again finishes it. It counts the steps done (a step is
 * saved before its finished event is sent) on their way to {@code next}, and says so from a shutdown hook while
 * installed.
 */
final class InterruptNotice implements EventSink, AutoCloseable {
    private final EventSink next;
    private final AtomicInteger done = new AtomicInteger();
    private final PrintStream err;
    private volatile Thread hook;

    InterruptNotice(EventSink next, PrintStream err) {
        this.next = next;
        this.err = err;
    }

    @Override
    public void emit(Event event) {
        if (event instanceof Event.Finished) {
            done.incrementAndGet();
        }
        next.emit(event);
    }

    /**
     * Says how far the run got if the JVM is stopped before {@link #close}.
     *
     * @param steps how many steps the plan has
     * @param again the command line that finishes the work, e.g. {@code drover apply}
     */
    void install(long steps, String again) {
        hook = new Thread(() -> {
            err.println("drover: interrupted: " + done.get() + " of " + steps + " step" + (steps == 1 ? "" : "s")
                    + " done and saved; run '" + again + "' again to finish");
            err.flush();
        }, "drover-interrupt-notice");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run ended by itself: nothing to say at exit. */
    @Override
    public void close() {
        Thread installed = hook;
        if (installed == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(installed);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the notice is being printed
        }
    }
}
