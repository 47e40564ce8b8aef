package io.drover.cli;

import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.engine.Engine;
import io.drover.apply.EventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "show", description = "Show the recorded state: every server, its address, age and identity.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            State state = engine.state();
            if (options.json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("herd", state.herd());
                root.put("serial", state.serial());
                root.put("lineage", state.lineage());
                List<Map<String, Object>> servers = new ArrayList<>();
                for (ServerRecord r : state.servers()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("resource", r.resource());
                    m.put("name", r.name());
                    m.put("id", r.instanceId());
                    m.put("ip", r.ip());
                    m.put("provider", r.providerOr(session.herd.provider().name()));
                    m.put("digest", r.digest());
                    m.put("createdAt", String.valueOf(r.createdAt()));
                    m.put("tainted", r.tainted());
                    servers.add(m);
                }
                root.put("servers", servers);
                root.put("outputs", engine.outputs(state));
                System.out.println(Json.pretty(root));
                return ExitCodes.OK;
            }
            if (state.isEmpty()) {
                System.out.println("Herd '" + session.herd.name() + "' has no servers (never applied, or destroyed).");
                return ExitCodes.OK;
            }
            System.out.printf("%-14s %-14s %-16s %-8s %s%n", "RESOURCE", "SERVER", "ADDRESS", "AGE", "DIGEST");
            for (ServerRecord r : state.servers()) {
                System.out.printf("%-14s %-14s %-16s %-8s %s%s%n", r.resource(), r.name(), r.ip(), age(r.createdAt()),
                        r.digest() == null ? "-" : r.digest().substring(0, Math.min(19, r.digest().length())), r.tainted() ? "  (tainted)" : "");
            }
            ApplyCommand.printOutputs(engine.outputs(state), Style.detect(options.noColor));
            return ExitCodes.OK;
        }
    }

    static String age(Instant created) {
        if (created == null) {
            return "-";
        }
        long s = Duration.between(created, Instant.now()).toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
