package io.drover.cli;

import io.drover.config.ConfigException;
import io.drover.config.HerdFileMissingException;
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
        Session session;
        try {
            session = Session.open(options);
        } catch (HerdFileMissingException missing) {
            throw missing;
        } catch (ConfigException problems) {
            return showWithoutTheHerdFile(problems);
        }
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            State state = engine.state();
            print(state, session.herd.name(), session.herd.provider().name(), engine.outputs(state));
            return ExitCodes.OK;
        }
    }

    /**
     * Showing what was saved needs no valid herd file, and a user in the middle of an edit still wants to see it: the
     * state as saved (with the outputs it recorded), and a warning about the file. Only when the state cannot be found
     * without the file are the file's problems the answer.
     */
    private int showWithoutTheHerdFile(ConfigException problems) throws ConfigException {
        SavedState.Located saved = SavedState.nextTo(options.file()).orElseThrow(() -> problems);
        int n = problems.problems().size();
        System.err.println("drover: warning: the herd file has " + n + " problem" + (n == 1 ? "" : "s") + " (run 'drover validate' to see "
                + (n == 1 ? "it" : "them") + "); showing the state saved in " + saved.file() + " with the outputs it recorded");
        print(saved.state(), saved.state().herd(), null, saved.state().outputs());
        return ExitCodes.OK;
    }

    /** @param provider the provider of servers that do not name their own, or null when it is not known */
    private void print(State state, String herd, String provider, Map<String, String> outputs) {
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
                m.put("provider", r.providerOr(provider));
                m.put("digest", r.digest());
                m.put("createdAt", String.valueOf(r.createdAt()));
                m.put("tainted", r.tainted());
                servers.add(m);
            }
            root.put("servers", servers);
            root.put("outputs", outputs);
            System.out.println(Json.pretty(root));
            return;
        }
        if (state.isEmpty()) {
            System.out.println("Herd '" + herd + "' has no servers (never applied, or destroyed).");
            return;
        }
        System.out.printf("%-14s %-14s %-16s %-8s %s%n", "RESOURCE", "SERVER", "ADDRESS", "AGE", "DIGEST");
        for (ServerRecord r : state.servers()) {
            System.out.printf("%-14s %-14s %-16s %-8s %s%s%n", r.resource(), r.name(), r.ip(), age(r.createdAt()),
                    r.digest() == null ? "-" : r.digest().substring(0, Math.min(19, r.digest().length())), r.tainted() ? "  (tainted)" : "");
        }
        ApplyCommand.printOutputs(outputs, Style.detect(options.noColor));
    }

    static String age(Instant created) {
        if (created == null) {
            return "-";
        }
        long s = Duration.between(created, Instant.now()).toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
