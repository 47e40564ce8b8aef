package io.drover.cli;

import io.drover.apply.ApplyResult;
import io.drover.engine.Engine;
import io.drover.heal.ApplyLog;
import io.drover.heal.EventLog;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.state.StateLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "apply", description = "Make the herd match its file: create, replace (rolling, create before destroy) and destroy servers.")
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() throws Exception {
        return run(options, change, false);
    }

    /** Shared by apply and destroy: lock, plan, show, confirm, apply, report. */
    static int run(HerdOptions options, ChangeOptions change, boolean destroy) throws Exception {
        int parallelism = change.parallelism();
        boolean autoApprove = change.autoApprove;
        Session session = Session.open(options);
        if (!destroy) {
            session.requireBakedImages();
        }
        Style style = Style.detect(options.noColor);
        ProgressView progress = new ProgressView(System.out, style, options.json);
        InterruptNotice interrupted = new InterruptNotice(progress, System.err);
        // Recorded in .drover/events.jsonl beside heal's events, for 'drover status' and the web view.
        ApplyLog log = new ApplyLog(new EventLog(Engine.workDir(session.herd)), destroy ? "destroy" : "apply", interrupted);
        try (StateLock lock = change.lock(session.store(), destroy ? "destroy" : "apply");
                Engine engine = session.engine(log, new Engine.Settings(parallelism, Duration.ofSeconds(60)))) {
            Plan plan = engine.plan(destroy ? Planner.Options.DESTROY : Planner.Options.APPLY);
            if (!options.json) {
                PlanView.human(plan, style, System.out);
            }
            if (!plan.hasChanges()) {
                engine.sweep(plan.prior()); // a converged herd may still have leftovers of a killed run
                if (options.json) {
                    System.out.println(Json.write(Map.of("type", "summary", "changes", 0, "outputs", engine.outputs(engine.state()))));
                } else {
                    printOutputs(engine.outputs(engine.state()), style);
                }
                return ExitCodes.OK;
            }
            if (!autoApprove && !confirm(destroy)) {
                System.out.println((destroy ? "Destroy" : "Apply") + " cancelled.");
                return ExitCodes.ERROR;
            }
            log.started(plan);
            ApplyResult result;
            try (interrupted) {
                interrupted.install(plan.changes().stream().filter(c -> !c.isNoOp()).count(), again(options, destroy));
                result = engine.apply(plan);
            } catch (Exception e) {
                log.failed(e);
                throw e;
            }
            log.finished(result);
            if (options.json) {
                System.out.println(Json.write(Map.of("type", "summary", "ok", result.ok(), "done", result.done(),
                        "failures", result.failureLines(), "outputs", result.state().outputs())));
            } else {
                System.out.println();
                if (result.ok()) {
                    System.out.println(style.green(style.bold((destroy ? "Destroy" : "Apply") + " complete!")) + " " + PlanView.summary(plan));
                    if (!destroy) {
                        printOutputs(result.state().outputs(), style);
                    }
                } else {
                    System.out.println(style.red(style.bold((destroy ? "Destroy" : "Apply") + " failed:")));
                    result.failures().forEach(f -> System.out.println("  " + f));
                    System.out.println("The state records every step that completed; run the command again to finish.");
                }
            }
            return result.ok() ? ExitCodes.OK : ExitCodes.ERROR;
        }
    }

    /** The command line that finishes an interrupted run, with the herd file when it is not the default one. */
    private static String again(HerdOptions options, boolean destroy) {
        String file = options.file().equals(java.nio.file.Path.of("drover.yaml")) ? "" : "-f " + options.file() + " ";
        return "drover " + file + (destroy ? "destroy" : "apply");
    }

    private static boolean confirm(boolean destroy) throws Exception {
        if (System.console() == null) {
            throw new UserError("not running in a terminal, so there is nobody to confirm: add --auto-approve");
        }
        System.out.print("\n" + (destroy ? "Destroy every server of this herd? " : "Apply these changes? ") + "Only 'yes' is accepted: ");
        System.out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return "yes".equals(answer == null ? null : answer.strip());
    }

    static void printOutputs(Map<String, String> outputs, Style style) {
        if (outputs.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println(style.bold("Outputs:"));
        outputs.forEach((k, v) -> System.out.println("  " + k + " = " + v));
    }
}
