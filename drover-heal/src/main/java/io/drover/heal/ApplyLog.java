package io.drover.heal;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.plan.Action;
import io.drover.plan.Plan;
import io.drover.spi.Failures;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Records an operator's {@code apply} or {@code destroy} in the herd's event log, beside heal's events, so that
 * {@code drover status} and the web view show who changed the herd and when. Each engine event is passed on to
 * the command's own view first; a log that cannot be written never stops the apply (see {@link #problem()}).
 */
public final class ApplyLog implements EventSink {
    private final EventLog log;
    private final String operation;
    private final EventSink next;
    private final Map<String, String> clusterOf = new HashMap<>();
    private volatile IOException problem;

    /** @param operation {@code apply} or {@code destroy}, as the log shows it */
    public ApplyLog(EventLog log, String operation, EventSink next) {
        this.log = log;
        this.operation = operation;
        this.next = next;
    }

    /** Records that the plan is about to be carried out, and learns which cluster each slot belongs to. */
    public void started(Plan plan) {
        plan.changes().forEach(c -> clusterOf.put(c.resource(), c.cluster()));
        StringBuilder counts = new StringBuilder();
        for (Action a : new Action[] {Action.CREATE, Action.REPLACE, Action.DELETE, Action.ADOPT}) {
            long n = plan.count(a);
            if (n > 0) {
                counts.append(counts.isEmpty() ? "" : ", ").append(n).append(" to ").append(a.verb());
            }
        }
        if (!plan.removedClusters().isEmpty()) {
            counts.append(counts.isEmpty() ? "" : ", ").append("clusters removed: ").append(String.join(", ", plan.removedClusters()));
        }
        record(null, null, null, operation + " started: " + counts);
    }

    /** Records an apply that ended with an error instead of a result. */
    public void failed(Exception e) {
        record(null, null, null, operation + " failed: " + Failures.message(e));
    }

    /** Records how it ended. */
    public void finished(ApplyResult result) {
        record(null, null, null, result.ok() ? operation + " complete: " + result.done() + " step" + (result.done() == 1 ? "" : "s")
                : operation + " failed: " + String.join("; ", result.failureLines()));
    }

    @Override
    public void emit(Event e) {
        next.emit(e);
        String message = switch (e) {
            case Event.Started s -> s.action().verb() + (s.server() == null ? "" : " " + s.server()) + " (" + s.reason() + ")";
            case Event.Progress p -> p.message();
            case Event.Finished f -> f.action().verb() + " done" + (f.server() == null ? "" : ": " + f.server())
                    + (f.took() == null ? "" : String.format(" (%.1f s)", f.took().toMillis() / 1000.0));
            case Event.Failed f -> f.action().verb() + " failed: " + f.message();
            case Event.Skipped s -> "skipped: " + s.because();
            case Event.Note n -> n.message();
        };
        String server = switch (e) {
            case Event.Started s -> s.server();
            case Event.Finished f -> f.server();
            default -> null;
        };
        record(clusterOf.get(e.resource()), e.resource(), server, message);
    }

    private void record(String cluster, String resource, String server, String message) {
        IOException failed = log.append(HealEvent.of(HealEvent.Kind.APPLY, cluster, resource, server, message));
        if (failed != null && problem == null) {
            problem = failed;
        }
    }

    /** The first error writing the log, or null. */
    public IOException problem() {
        return problem;
    }
}
