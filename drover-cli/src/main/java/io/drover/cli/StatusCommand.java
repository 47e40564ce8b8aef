package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.engine.Engine;
import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import io.drover.heal.HealthChecks;
import io.drover.heal.ServerHealth;
import io.drover.health.HealthProbe;
import io.drover.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
            Map<String, ServerHealth> health = new HealthChecks(probe).checkAll(session.herd, state, engine.list().instances());
            Instant now = Instant.now();
            if (options.json) {
                List<Map<String, Object>> servers = new ArrayList<>();
                for (ServerHealth s : health.values()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("resource", s.record().resource());
                    m.put("cluster", s.record().cluster());
                    m.put("name", s.name());
                    m.put("ip", s.record().ip());
                    m.put("health", s.starting() ? "starting" : s.health().status().name().toLowerCase());
                    m.put("detail", s.health().detail());
                    m.put("ageSeconds", s.age(now).toSeconds());
                    HealEvent e = lastEvent(last, s);
                    m.put("lastEvent", e == null ? null : e.toMap());
                    servers.add(m);
                }
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("herd", session.herd.name());
                root.put("servers", servers);
                System.out.println(Json.pretty(root));
                return ExitCodes.OK;
            }
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
                String event = e == null ? "-" : ShowCommand.age(e.time()) + " ago: " + e.message();
                System.out.printf("%-14s %-14s %-16s %s %-8s %s%n", s.record().resource(), s.name(), s.record().ip(), shown,
                        ShowCommand.age(s.record().createdAt()), event);
                if (!s.health().isUp()) {
                    System.out.println("               " + style.dim(s.health().detail()));
                }
            }
            return ExitCodes.OK;
        }
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
}
