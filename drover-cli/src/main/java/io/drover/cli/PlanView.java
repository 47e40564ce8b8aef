package io.drover.cli;

import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.IdentityDiff;
import io.drover.plan.LoadBalancerChange;
import io.drover.plan.Plan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plan as people read it (a coloured +/-/~ diff) and as machines read it (JSON). */
final class PlanView {
    /** The version of {@code plan --json}: raised when a field changes meaning or goes away (new fields do not raise it). */
    static final int JSON_FORMAT_VERSION = 1;

    private PlanView() {}

    static void human(Plan plan, Style style, PrintStream out) {
        List<Change> visible = plan.changes().stream().filter(c -> !c.isNoOp()).toList();
        if (!plan.hasChanges()) {
            out.println(style.green("No changes.") + " Herd '" + plan.herd() + "' matches its file ("
                    + plan.changes().size() + " server" + (plan.changes().size() == 1 ? "" : "s") + " up to date).");
            return;
        }
        out.println("Drover will make these changes to herd '" + plan.herd() + "':");
        out.println();
        for (Change c : visible) {
            String symbol = String.format("%3s", c.action().symbol());
            String line = symbol + " " + c.resource();
            String server = c.before() == null ? "" : " " + c.before().name();
            String text = switch (c.action()) {
                case CREATE -> style.green(line) + "  will be created"
                        + (plan.clusters().containsKey(c.cluster()) && plan.clusters().get(c.cluster()).cluster().isSpareSlot(c.slot())
                                ? " as a spare" : "");
                case REPLACE -> style.yellow(line) + server + "  will be replaced, " + (c.createFirst() ? "create before destroy" : "the old one first");
                case MIGRATE -> style.cyan(line) + server + "  will move from provider '" + c.before().provider() + "' to '"
                        + plan.clusters().get(c.cluster()).provider() + "', create before destroy";
                case DELETE -> style.red(line) + server + "  will be destroyed";
                case ADOPT -> style.cyan(line) + server + "  will be adopted into the state";
                case AWAIT -> style.cyan(line) + server + "  will be waited for, not replaced";
                case PROMOTE -> style.yellow(line) + server + "  will be replaced by its cluster's spare "
                        + (c.spare() != null ? c.spare().name() : "(the one made just before)");
                case NO_OP -> line;
            };
            out.println(text + style.dim("  (" + c.reason().text() + ")"));
            diffLines(c.diff(), style, out);
        }
        for (Plan.StrayCluster stray : plan.strays()) {
            out.println(style.red(String.format("%3s", Action.DELETE.symbol()) + " " + stray.cluster()) + "  its resources on provider '"
                    + stray.provider() + "' will be removed" + style.dim("  (the cluster moved)"));
        }
        if (!plan.loadBalancers().isEmpty()) {
            out.println();
            out.println("Load balancers:");
            for (LoadBalancerChange lb : plan.loadBalancers()) {
                out.println(loadBalancerLine(lb, plan, style));
            }
        }
        out.println();
        out.println(style.bold("Plan: " + summary(plan)));
        if (!plan.loadBalancers().isEmpty()) {
            out.println(style.bold("Load balancers: " + loadBalancerSummary(plan)));
        }
    }

    private static String loadBalancerLine(LoadBalancerChange lb, Plan plan, Style style) {
        String symbol = String.format("%3s", lb.kind().symbol());
        String on = " on provider '" + lb.provider() + "'";
        String member = lb.resource() == null ? "" : lb.resource() + " ";
        return switch (lb.kind()) {
            case CREATE -> style.green(symbol + " " + lb.cluster()) + "  the load balancer will be created" + on;
            case JOIN -> style.green(symbol + " " + member + (lb.server() == null ? "(new)" : lb.server()))
                    + "  will join the pool once it passes its health check";
            case DRAIN -> style.yellow(symbol + " " + member + lb.server()) + "  will be drained (at most "
                    + drain(plan, lb.cluster()) + "), then taken out of the pool, before it is destroyed";
            case REMOVE -> style.red(symbol + " " + member + lb.server()) + "  will be taken out of the pool at once"
                    + style.dim(lb.resource() == null ? "  (no server of the cluster)" : "  (it does not serve)");
            case DELETE -> style.red(symbol + " " + lb.cluster()) + "  the load balancer" + on + " will be deleted"
                    + style.dim(plan.clusters().containsKey(lb.cluster()) && plan.clusters().get(lb.cluster()).cluster().loadBalancer() != null
                            ? "  (it moved: clients of its address must use the new one)" : "");
        };
    }

    private static String drain(Plan plan, String cluster) {
        var t = plan.clusters().get(cluster);
        return t == null || t.cluster().loadBalancer() == null ? "?" : t.cluster().loadBalancer().drain().toSeconds() + " s";
    }

    static String loadBalancerSummary(Plan plan) {
        List<String> parts = new ArrayList<>();
        for (LoadBalancerChange.Kind k : LoadBalancerChange.Kind.values()) {
            long n = plan.loadBalancers().stream().filter(c -> c.kind() == k).count();
            parts.add(n + " to " + k.verb());
        }
        return String.join(", ", parts) + ".";
    }

    /** What changed, one field a line under its change, as Terraform shows it. */
    private static void diffLines(IdentityDiff diff, Style style, PrintStream out) {
        switch (diff) {
            case IdentityDiff.None none -> { }
            case IdentityDiff.Known known when known.fields().isEmpty() ->
                    out.println("        " + style.dim("(nothing in the herd file changed: inputs kept in the state did, e.g. the etcd CA)"));
            case IdentityDiff.Known known -> {
                for (IdentityDiff.Field f : known.fields()) {
                    String line = "      " + f.symbol() + " " + f.describe();
                    out.println(switch (f.symbol()) {
                        case "+" -> style.green(line);
                        case "-" -> style.red(line);
                        default -> style.yellow(line);
                    });
                }
            }
            case IdentityDiff.Unknown unknown -> out.println("        " + style.dim("(what changed is unknown: " + unknown.why() + ")"));
        }
    }

    /** The {@code diff} field of a change in {@code plan --json}, null when there is nothing to show. */
    private static Map<String, Object> diffJson(IdentityDiff diff) {
        return switch (diff) {
            case IdentityDiff.None none -> null;
            case IdentityDiff.Known known -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("known", true);
                m.put("fields", known.fields().stream().map(f -> {
                    Map<String, Object> field = new LinkedHashMap<>();
                    field.put("path", f.path());
                    field.put("before", f.before());
                    field.put("after", f.after());
                    return field;
                }).toList());
                yield m;
            }
            case IdentityDiff.Unknown unknown -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("known", false);
                m.put("why", unknown.why());
                yield m;
            }
        };
    }

    static String summary(Plan plan) {
        return plan.count(Action.CREATE) + " to create, " + plan.count(Action.REPLACE) + " to replace, "
                + (plan.count(Action.MIGRATE) > 0 ? plan.count(Action.MIGRATE) + " to migrate, " : "")
                + (plan.count(Action.PROMOTE) > 0 ? plan.count(Action.PROMOTE) + " spare to promote, " : "")
                + plan.count(Action.DELETE) + " to destroy" + (plan.count(Action.ADOPT) > 0 ? ", " + plan.count(Action.ADOPT) + " to adopt" : "")
                + (plan.count(Action.AWAIT) > 0 ? ", " + plan.count(Action.AWAIT) + " still starting" : "")
                + ", " + plan.count(Action.NO_OP) + " unchanged.";
    }

    static Map<String, Object> json(Plan plan) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("formatVersion", JSON_FORMAT_VERSION);
        root.put("herd", plan.herd());
        root.put("destroy", plan.destroy());
        root.put("hasChanges", plan.hasChanges());
        List<Map<String, Object>> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resource", c.resource());
            m.put("cluster", c.cluster());
            m.put("slot", c.slot());
            m.put("action", c.action().verb());
            m.put("reason", c.reason().name().toLowerCase());
            m.put("reasonText", c.reason().text());
            m.put("server", c.before() == null ? null : c.before().name());
            m.put("createFirst", c.createFirst());
            if (c.action() == Action.PROMOTE) {
                // The spare that takes the slot of "server"; null in a roll through the spare, where the change before
                // this one makes it (its name is given when it is created).
                m.put("spare", c.spare() == null ? null : c.spare().name());
            }
            if (c.action() == Action.MIGRATE) {
                m.put("fromProvider", c.before().provider());
                m.put("toProvider", plan.clusters().get(c.cluster()).provider());
            }
            m.put("currentDigest", c.before() == null ? null : c.before().digest());
            m.put("desiredDigest", c.desiredDigest());
            m.put("diff", diffJson(c.diff()));
            changes.add(m);
        }
        root.put("changes", changes);
        root.put("loadBalancers", plan.loadBalancers().stream().map(lb -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", lb.kind().verb());
            m.put("cluster", lb.cluster());
            m.put("provider", lb.provider());
            m.put("resource", lb.resource());
            m.put("server", lb.server());
            return m;
        }).toList());
        root.put("strayClusterResources", plan.strays().stream().map(x -> Map.of("cluster", x.cluster(), "provider", x.provider())).toList());
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            summary.put(a.verb(), plan.count(a));
        }
        root.put("summary", summary);
        return root;
    }
}
