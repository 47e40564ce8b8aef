package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.engine.Engine;
import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import io.drover.heal.HealthChecks;
import io.drover.heal.ServerHealth;
import io.drover.health.HealthProbe;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Planner;
import io.drover.spi.Instance;
import io.drover.state.Election;
import io.drover.state.State;
import io.drover.view.ClusterView;
import io.drover.view.HealView;
import io.drover.view.HealthView;
import io.drover.view.HerdView;
import io.drover.view.HerdViews;
import io.drover.view.ServerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Every server with its health (checked now), age and the last event heal recorded about it.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        Map<String, HealEvent> last = new EventLog(Engine.workDir(session.herd)).lastBySubject();
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT); HealthProbe probe = engine.healthProbe()) {
            State state = engine.state();
            Engine.Listing listing = engine.list();
            Map<String, ServerHealth> health = new HealthChecks(probe).checkAll(session.herd, state, listing.instances());
            Instant now = Instant.now();
            Election.Roster roster = roster(session);
            if (options.json) {
                System.out.println(Json.pretty(view(session, engine, state, listing, health, last, now).withHeal(HealView.of(roster))));
                return ExitCodes.OK;
            }
            System.out.println(healLine(roster));
            if (health.isEmpty()) {
                System.out.println("Herd '" + session.herd.name() + "' has no servers (never applied, or destroyed).");
                return ExitCodes.OK;
            }
            Style style = Style.detect(options.noColor);
            System.out.printf("%-14s %-14s %-16s %-9s %-8s %s%n", "RESOURCE", "SERVER", "ADDRESS", "HEALTH", "AGE", "LAST EVENT");
            for (ServerHealth s : health.values()) {
                String h = s.starting() ? "starting" : s.health().status().name().toLowerCase();
                String shown = String.format("%-9s", h);
                shown = s.health().isUp() ? style.green(shown) : style.red(shown);
                HealEvent e = lastEvent(last, s);
                String event = (s.record().spare() ? "(spare) " : "") + (e == null ? "-" : ShowCommand.age(e.time()) + " ago: " + e.message());
                System.out.printf("%-14s %-14s %-16s %s %-8s %s%n", s.record().resource(), s.name(), s.record().ip(), shown,
                        ShowCommand.age(s.record().createdAt()), event);
                if (!s.health().isUp()) {
                    System.out.println("               " + style.dim(s.health().detail()));
                }
            }
            printLoadBalancers(engine);
            return ExitCodes.OK;
        }
    }

    /** Each load balancer, then each member's state in its pool with its live counts. */
    private static void printLoadBalancers(Engine engine) {
        java.util.Map<String, java.util.Optional<io.drover.spi.LoadBalancer>> all;
        try {
            all = engine.loadBalancers();
        } catch (Exception e) {
            System.out.println("load balancers: cannot ask the provider: " + e.getMessage());
            return;
        }
        all.forEach((cluster, lb) -> {
            System.out.println();
            if (lb.isEmpty()) {
                System.out.println("load balancer of " + cluster + ": not created yet (drover apply creates it)");
                return;
            }
            System.out.println("load balancer of " + cluster + ": " + lb.get().url() + (lb.get().running() ? "" : "  NOT RUNNING"));
            System.out.printf("  %-14s %-22s %-9s %8s %10s%n", "MEMBER", "TARGET", "STATE", "ACTIVE", "REQUESTS");
            for (io.drover.spi.PoolMember m : lb.get().members()) {
                // -1: the load balancer does not count per member (Octavia); "-" rather than a number that looks real.
                System.out.printf("  %-14s %-22s %-9s %8s %10s%n", m.name(), m.address() + ":" + m.port(),
                        m.state().name().toLowerCase(java.util.Locale.ROOT), count(m.activeConnections()), count(m.totalRequests()));
            }
        });
    }

    /**
     * The herd view with health checked now and each server's last event; outdated servers explained by the planner
     * (a plan from the listing made above costs no more I/O).
     */
    private static HerdView view(Session session, Engine engine, State state, Engine.Listing listing, Map<String, ServerHealth> health,
            Map<String, HealEvent> last, Instant now) {
        Herd herd = session.herd;
        List<String> problems = new ArrayList<>();
        Map<String, ClusterTemplate> templates = Map.of();
        Map<String, Change> replacements = Map.of();
        try {
            templates = engine.templates();
            replacements = HerdViews.replacements(new Planner(now).plan(herd, templates, state, listing.instances(), Planner.Options.APPLY));
        } catch (Exception e) {
            problems.add("cannot resolve the herd file's images or plan, so outdated servers are not marked: " + e.getMessage());
        }
        Map<String, Instance> byId = new HashMap<>();
        listing.instances().forEach(i -> byId.put(i.id(), i));
        Map<String, ClusterTemplate> desired = templates;
        Map<String, Change> replacing = replacements;
        List<ClusterView> clusters = HerdViews.clusters(herd, state, r -> {
            ServerView.Builder s = HerdViews.recorded(r, herd, now);
            Instance instance = byId.get(r.instanceId());
            s.providerStatus(instance == null ? "gone" : instance.status().name().toLowerCase());
            s.drift(instance == null ? null : instance.drifted().orElse(null));
            ServerHealth h = health.get(r.name());
            s.health(h == null ? HealthView.unknown("not checked") : h.view());
            HealEvent e = h == null ? null : lastEvent(last, h);
            s.lastEvent(e == null ? null : e.view());
            HerdViews.identity(s, r, desired.get(r.cluster()), replacing.get(r.name()));
            return s.build();
        });
        try {
            var live = engine.loadBalancers();
            clusters = clusters.stream().map(c -> c.loadBalancer() == null || !live.containsKey(c.name()) ? c
                    : c.withLoadBalancer(io.drover.view.LoadBalancerView.live(herd.clusters().get(c.name()).loadBalancer(),
                            live.get(c.name()).orElse(null)))).toList();
        } catch (Exception e) {
            problems.add("cannot ask the provider about the load balancers: " + e.getMessage());
        }
        return new HerdView(HerdView.API_VERSION, herd.name(), herd.provider().type(),
                herd.providers().values().stream().map(p -> new HerdView.ProviderView(p.name(), p.type())).toList(), herd.file().toString(),
                now.toString(), state.serial(), state.lineage(), null, state.outputs(), problems, clusters);
    }

    /** Who heals, as the state backend records it; nobody when it cannot say. */
    private static Election.Roster roster(Session session) {
        try {
            return session.store().healRoster();
        } catch (io.drover.state.StateException e) {
            return Election.Roster.NONE;
        }
    }

    /** One line: who leads heal, and how many replicas stand by. */
    static String healLine(Election.Roster roster) {
        int others = Math.max(0, roster.replicas().size() - (roster.leader().isPresent() ? 1 : 0));
        return roster.leader().map(l -> "heal: led by pid " + l.pid() + " on " + l.host() + " since " + l.since()
                + (others == 0 ? ", no other replica" : ", " + others + " more replica" + (others == 1 ? "" : "s") + " standing by"))
                .orElse(roster.replicas().isEmpty() ? "heal: not running" : "heal: " + roster.replicas().size() + " replicas, none leads yet");
    }

    /**
     * The newest event about the server itself or its slot. A slot's event about another server (the one it replaced:
     * "failed a check", "replace (it is not running)") says nothing of this one, and is not shown beside it.
     */
    static HealEvent lastEvent(Map<String, HealEvent> last, ServerHealth s) {
        HealEvent byServer = last.get(s.name());
        HealEvent bySlot = last.get(s.record().resource());
        if (bySlot != null && bySlot.server() != null && !bySlot.server().equals(s.name())) {
            bySlot = null;
        }
        if (byServer == null) {
            return bySlot;
        }
        return bySlot == null || byServer.time().isAfter(bySlot.time()) ? byServer : bySlot;
    }

    private static String count(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }
}
