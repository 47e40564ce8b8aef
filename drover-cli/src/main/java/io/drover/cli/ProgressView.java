package io.drover.cli;

import io.drover.apply.Event;
import io.drover.apply.EventSink;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Apply progress as it happens: one line per event for people, one JSON object per line for machines. */
final class ProgressView implements EventSink {
    private final PrintStream out;
    private final Style style;
    private final boolean json;
    private final Instant start = Instant.now();

    ProgressView(PrintStream out, Style style, boolean json) {
        this.out = out;
        this.style = style;
        this.json = json;
    }

    @Override
    public synchronized void emit(Event event) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", event.getClass().getSimpleName().toLowerCase());
            m.put("time", Instant.now().toString());
            m.put("resource", event.resource());
            switch (event) {
                case Event.Started s -> {
                    m.put("action", s.action().verb());
                    m.put("server", s.server());
                    m.put("reason", s.reason());
                }
                case Event.Progress p -> m.put("message", p.message());
                case Event.Finished f -> {
                    m.put("action", f.action().verb());
                    m.put("server", f.server());
                    m.put("seconds", f.took().toMillis() / 1000.0);
                }
                case Event.Failed f -> {
                    m.put("action", f.action().verb());
                    m.put("message", f.message());
                }
                case Event.Skipped s -> m.put("message", s.because());
                case Event.Note n -> m.put("message", n.message());
            }
            out.println(Json.write(m));
            return;
        }
        String at = style.dim(String.format("[%5.1fs]", Duration.between(start, Instant.now()).toMillis() / 1000.0));
        String line = switch (event) {
            case Event.Started s -> style.bold(s.resource()) + ": " + verbing(s.action().verb())
                    + (s.server() == null ? "" : " " + s.server()) + style.dim(" (" + s.reason() + ")");
            case Event.Progress p -> p.resource() + ": " + p.message() + "...";
            case Event.Finished f -> style.green(f.resource() + ": " + past(f.action().verb()))
                    + (f.server() == null ? "" : " " + f.server()) + style.dim(String.format(" in %.1fs", f.took().toMillis() / 1000.0));
            case Event.Failed f -> style.red(f.resource() + ": failed: " + f.message());
            case Event.Skipped s -> style.yellow(s.resource() + ": skipped (" + s.because() + ")");
            case Event.Note n -> n.resource() + ": " + n.message();
        };
        out.println(at + " " + line);
    }

    private static String verbing(String verb) {
        return switch (verb) {
            case "create" -> "creating";
            case "replace" -> "replacing";
            case "destroy" -> "destroying";
            case "adopt" -> "adopting";
            case "wait for" -> "waiting for";
            default -> verb;
        };
    }

    private static String past(String verb) {
        return switch (verb) {
            case "create" -> "created";
            case "replace" -> "replaced";
            case "destroy" -> "destroyed";
            case "adopt" -> "adopted";
            case "wait for" -> "healthy:";
            default -> verb;
        };
    }
}
