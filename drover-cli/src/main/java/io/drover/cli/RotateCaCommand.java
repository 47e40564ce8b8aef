package io.drover.cli;

import io.drover.apply.ApplyResult;
import io.drover.config.Cluster;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.roles.EtcdPki;
import io.drover.state.StateLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rotate-ca", description = {
    "Replace the CA of an etcd cluster with a new one, rolling, without downtime.",
    "Every member is replaced three times, one at a time (trust both CAs, get certificates from the new one, stop "
        + "trusting the old one), so members always trust each other.",
    "Interrupted, it continues where it stopped when run again."})
final class RotateCaCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The cluster whose CA to rotate (default: every etcd cluster with TLS).")
    String cluster;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        Style style = Style.detect(options.noColor);
        List<String> clusters = new ArrayList<>();
        for (Cluster c : session.herd.clusters().values()) {
            if (c.role() == Role.ETCD && c.etcd().tls() && (cluster == null || cluster.equals(c.name()))) {
                clusters.add(c.name());
            }
        }
        if (clusters.isEmpty()) {
            throw new UserError(cluster == null ? "the herd has no etcd cluster with TLS, so no CA to rotate"
                    : "'" + cluster + "' is not an etcd cluster with TLS in herd '" + session.herd.name() + "'");
        }
        if (!change.autoApprove) {
            throw new UserError("rotating a CA replaces every member of " + String.join(", ", clusters)
                    + " three times, one at a time; add --auto-approve to go ahead");
        }
        ProgressView progress = new ProgressView(System.out, style, options.json);
        try (StateLock lock = change.lock(session.store(), "rotate-ca");
                Engine engine = session.engine(progress, new Engine.Settings(change.parallelism(), Duration.ofSeconds(60)))) {
            for (String name : clusters) {
                EtcdPki.Phase phase = engine.caPhase(name);
                if (phase == EtcdPki.Phase.STEADY) {
                    phase = engine.rotateCa(name, false);
                }
                while (phase != EtcdPki.Phase.STEADY) {
                    say(style, name + ": CA rotation phase " + phase.describe());
                    Plan plan = engine.plan(Planner.Options.APPLY);
                    if (plan.hasChanges()) {
                        ApplyResult result = engine.apply(plan);
                        if (!result.ok()) {
                            result.failures().forEach(f -> System.out.println("  " + f));
                            throw new UserError("the CA rotation of " + name + " stopped in phase " + phase.describe()
                                    + "; run 'drover rotate-ca' again to continue from there");
                        }
                    }
                    phase = engine.rotateCa(name, true);
                    engine.writeClientFiles();
                }
                say(style, name + ": " + style.green("CA rotated") + "; clients must use the new files (drover output)");
            }
            return ExitCodes.OK;
        }
    }

    private void say(Style style, String line) {
        if (options.json) {
            System.out.println(Json.write(java.util.Map.of("type", "note", "message", line)));
        } else {
            System.out.println(style.bold(line));
        }
    }
}
