package io.drover.apply;

import io.drover.graph.Graph;
import io.drover.graph.Walker;
import io.drover.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan. Changes become steps in a graph ({@link ApplyGraph}): clusters in dependency order (reversed
 * when clusters go), leftovers cleaned up first, replacements rolling ({@code maxUnavailable} at a time, one at a time
 * for etcd), each replacement create-before-destroy while the old server still serves, and a last step that checks a
 * membership cluster is exactly what the state records. Steps run in parallel up to {@code parallelism}; the state is
 * saved after every step, so an interrupted apply is finished by running it again.
 *
 * <p>An applier keeps nothing between applies: what one apply learns lives in its own {@link ApplyRun}.
 */
public final class Applier {
    private final ApplySettings settings;

    public Applier(ApplySettings settings) {
        this.settings = settings;
    }

    public ApplyResult apply(Plan plan) throws Exception {
        // Before any provider call: an apply the cloud would refuse half-way changes nothing.
        ServerTags.check(plan, plan.prior().lineage(), settings.providers());
        ApplyRun run = new ApplyRun(plan);
        settings.predecessors().forEach(run.names()::note);
        // The refreshed state first: adopted servers and newly generated secrets are recorded before any step.
        settings.keeper().update(s -> plan.prior());
        Graph<Step> graph = new ApplyGraph(settings.providers().names(), settings::role, settings.dependsOn()).build(plan);
        StepRunner runner = new StepRunner(settings, run);
        Map<Step, Walker.Outcome> outcomes = new Walker<Step>(settings.parallelism()).walk(graph, runner::run);
        List<ApplyResult.Failure> failures = new ArrayList<>();
        int done = 0;
        int skipped = 0;
        for (Map.Entry<Step, Walker.Outcome> e : outcomes.entrySet()) {
            Step step = e.getKey();
            switch (e.getValue()) {
                case Walker.Done d -> done++;
                case Walker.Failed f -> {
                    ApplyResult.Failure failure = new ApplyResult.Failure(step.resource(), step.cluster(), f.error());
                    failures.add(failure);
                    settings.events().emit(new Event.Failed(step.resource(), step.action(), failure.message()));
                }
                case Walker.Skipped s -> {
                    skipped++;
                    settings.events().emit(new Event.Skipped(step.resource(), step.action(), "an earlier step failed"));
                }
            }
        }
        return new ApplyResult(settings.keeper().current(), done, failures, skipped);
    }
}
