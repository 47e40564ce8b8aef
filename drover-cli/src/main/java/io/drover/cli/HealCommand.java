package io.drover.cli;

import io.drover.engine.Engine;
import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import io.drover.heal.HealListener;
import io.drover.heal.HealMetrics;
import io.drover.heal.HealOptions;
import io.drover.heal.HealPass;
import io.drover.heal.MetricsServer;
import io.drover.heal.Reconciler;
import io.drover.spi.FileErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heal", description = {
    "Keep the herd whole: replace dead, frozen, drifted or missing servers through the same engine as 'apply'.",
    "Every server's health is checked every interval, and what happened is recorded in .drover/events.jsonl. "
        + "Runs until interrupted (Ctrl-C or SIGTERM: the current step finishes first), or for one decision with --once."})
final class HealCommand implements Callable<Integer> {
    /** How long a SIGINT/SIGTERM waits for the step in progress (an etcd member being added) to finish. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    @Mixin
    HerdOptions options;

    @Option(names = "--once", description = "One decision (a few checks, one interval apart), act on it, then exit; exit code 1 if"
            + " it could not do what the herd needs (a step failed, an etcd cluster lost quorum, the state is locked by someone else).")
    boolean once;

    @Option(names = "--ui", description = "Also serve the web view of the herd (as 'drover serve' does) from this process: see --port, --bind.")
    boolean ui;

    @Mixin
    WebOptions web;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics (off by default; 9477 is the usual choice).")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new UserError("--metrics-port must be between 0 and 65535, got " + metricsPort);
        }
        if (web.given() && !ui) {
            throw new UserError("--port, --bind and --token-file are options of the web view: add --ui");
        }
        if (ui && once) {
            throw new UserError("--ui serves the web view while heal runs: it cannot be used with --once");
        }
        Session session = Session.open(options);
        Style style = Style.detect(options.noColor);
        EventLog log = new EventLog(Engine.workDir(session.herd));
        PrintStream out = System.out;
        HealListener listener = event -> {
            IOException failed = log.append(event);
            print(out, style, event);
            if (failed != null) {
                print(out, style, HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "cannot write the event log " + log.file() + ": " + FileErrors.describe(failed)));
            }
        };
        HealMetrics metrics = new HealMetrics();
        try (MetricsServer server = metricsPort == null ? null : startMetrics(metrics, metricsPort);
                WebOptions.Served view = ui ? web.start(session, options.json ? System.err : out) : null;
                Reconciler reconciler = new Reconciler(session.requireBakedImages().runnable(), session.providers, session.store(), System.getenv(), HealOptions.DEFAULT,
                        metrics, listener, java.time.Clock.systemUTC()).withAppliedImages(session.images::asApplied)) {
            if (server != null) {
                listener.on(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "metrics on http://127.0.0.1:" + server.port() + "/metrics"));
            }
            if (once) {
                HealPass pass = reconciler.once();
                if (pass.whole()) {
                    // Events say what changed; a healthy herd has none, and silence read as "did it check at all?"
                    int servers = pass.health().size();
                    String line = "herd whole: " + servers + " of " + servers + " server" + (servers == 1 ? "" : "s")
                            + " healthy, nothing to do";
                    print(out, style, HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, line));
                }
                return pass.failed() ? ExitCodes.ERROR : ExitCodes.OK;
            }
            // Continuous etcd backups (the clusters' backup: blocks) run beside the heal loop until it stops.
            HealBackups backups = HealBackups.start(session,
                    line -> listener.on(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, line)),
                    line -> listener.on(HealEvent.of(HealEvent.Kind.QUORUM_LOST, null, null, null, line)));
            // SIGINT/SIGTERM: let the pass in progress finish (the state is saved after every step), then exit.
            Thread hook = new Thread(() -> {
                reconciler.stop();
                try {
                    reconciler.awaitStopped(STOP_GRACE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "drover-heal-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try (backups) {
                reconciler.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook is running
                }
            }
            return ExitCodes.OK;
        }
    }

    private static MetricsServer startMetrics(HealMetrics metrics, int port) {
        try {
            return MetricsServer.start(metrics, port);
        } catch (IOException e) {
            throw new UserError("cannot serve metrics on 127.0.0.1:" + port + ": " + FileErrors.describe(e)
                    + " (is another 'drover heal' running? pick another --metrics-port)");
        }
    }

    private void print(PrintStream out, Style style, HealEvent e) {
        if (options.json) {
            out.println(Json.write(e.toMap()));
            return;
        }
        String line = e.describe();
        String shown = switch (e.kind()) {
            case HEALED, RECOVERED -> style.green(line);
            case FAILED, QUORUM_LOST -> style.red(style.bold(line));
            case DETECTED, FAILING, BACKOFF, LOCKED -> style.yellow(line);
            case STEP, LIFECYCLE, APPLY -> line;
        };
        out.println(style.dim("[" + e.time().toString().substring(11, 23) + "]") + " " + shown);
    }
}
