package io.drover.cli;

import io.drover.bake.BakeListener;
import io.drover.bake.Recipe;
import io.drover.image.BakedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Bake progress on the terminal: each step as it starts and ends, its time, and a heartbeat while a long one runs. */
final class BakeProgress implements BakeListener, AutoCloseable {
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final PrintStream out;
    private final Style style;
    private final boolean json;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bake-progress");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> heartbeat; // guarded by this

    BakeProgress(PrintStream out, Style style, boolean json) {
        this.out = out;
        this.style = style;
        this.json = json;
    }

    @Override
    public synchronized void upToDate(Recipe recipe, BakedImage image) {
        if (json) {
            event("up-to-date", recipe, Map.of("path", image.directory().toString()));
        } else {
            out.println(style.bold(recipe.name()) + "  " + style.dim(recipe.shortDigest()) + "  " + style.green("up to date")
                    + style.dim(" (baked " + ImagesCommand.age(image.createdAt()) + " ago, " + ImagesCommand.size(image.bytes()) + ")"));
        }
    }

    @Override
    public synchronized void started(Recipe recipe, Path log) {
        if (json) {
            event("bake-started", recipe, Map.of("log", log.toString()));
        } else {
            out.println(style.bold(recipe.name()) + "  " + style.dim(recipe.shortDigest()) + "  " + style.yellow("baking")
                    + style.dim(" (full log: " + log + ")"));
        }
    }

    @Override
    public synchronized void stepStarted(Recipe recipe, String step, String detail) {
        if (json) {
            event("step-started", recipe, Map.of("step", step, "detail", detail));
        } else {
            out.println("  " + style.cyan(step) + "  " + abbreviate(detail));
        }
        Instant started = Instant.now();
        cancelHeartbeat();
        heartbeat = ticker.scheduleAtFixedRate(() -> beat(recipe, step, started), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void beat(Recipe recipe, String step, Instant started) {
        long seconds = Duration.between(started, Instant.now()).toSeconds();
        if (json) {
            event("step-running", recipe, Map.of("step", step, "elapsedSeconds", seconds));
        } else {
            out.println(style.dim("    ... " + step + " " + seconds + " s"));
        }
    }

    @Override
    public synchronized void stepFinished(Recipe recipe, String step, Duration took) {
        cancelHeartbeat();
        if (json) {
            event("step-finished", recipe, Map.of("step", step, "seconds", took.toMillis() / 1000.0));
        } else {
            out.println("  " + style.green("done") + " " + step + style.dim(" in " + seconds(took)));
        }
    }

    @Override
    public synchronized void built(Recipe recipe, BakedImage image, Duration took) {
        cancelHeartbeat();
        if (json) {
            event("built", recipe, Map.of("path", image.directory().toString(), "bytes", image.bytes(), "seconds", took.toMillis() / 1000.0));
        } else {
            out.println(style.bold(recipe.name()) + "  " + style.dim(recipe.shortDigest()) + "  " + style.green("built")
                    + " in " + seconds(took) + ", " + ImagesCommand.size(image.bytes()) + style.dim(" (" + image.directory() + ")"));
        }
    }

    private void event(String type, Recipe recipe, Map<String, Object> extra) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("image", recipe.name());
        e.put("digest", recipe.digest());
        e.putAll(extra);
        out.println(Json.write(e));
    }

    private void cancelHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String abbreviate(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }

    @Override
    public synchronized void close() {
        cancelHeartbeat();
        ticker.shutdownNow();
    }
}
