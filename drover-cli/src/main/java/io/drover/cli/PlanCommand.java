package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.engine.Engine;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", description = "Show what apply would change: desired (the herd file) vs recorded (the state) vs real (the provider).")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--detailed-exitcode", description = "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    boolean detailedExitCode;

    @Option(names = "--destroy", description = "Plan the destruction of the whole herd.")
    boolean destroy;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        if (!destroy) {
            session.requireBakedImages();
        }
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            Plan plan = engine.plan(destroy ? Planner.Options.DESTROY : Planner.Options.APPLY);
            if (options.json) {
                System.out.println(Json.pretty(PlanView.json(plan)));
            } else {
                PlanView.human(plan, Style.detect(options.noColor), System.out);
            }
            return detailedExitCode && plan.hasChanges() ? ExitCodes.INVALID_OR_CHANGES : ExitCodes.OK;
        }
    }
}
