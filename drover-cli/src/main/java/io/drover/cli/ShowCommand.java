package io.drover.cli;

import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdFileMissingException;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.engine.Engine;
import io.drover.apply.EventSink;
import io.drover.view.HerdView;
import io.drover.view.HerdViews;
import java.time.Duration;
import java.time.Instant;
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
            print(state, session.herd, engine.outputs(state), List.of());
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
        String warning = "the herd file has " + n + " problem" + (n == 1 ? "" : "s") + " (run 'drover validate' to see "
                + (n == 1 ? "it" : "them") + "); showing the state saved in " + saved.file() + " with the outputs it recorded";
        System.err.println("drover: warning: " + warning);
        print(saved.state(), null, saved.state().outputs(), List.of(warning));
        return ExitCodes.OK;
    }

    /**
     * @param herd the herd file, {@code null} when it could not be read
     * @param problems what the JSON view reports besides the servers
     */
    private void print(State state, Herd herd, Map<String, String> outputs, List<String> problems) {
        if (options.json) {
            System.out.println(Json.pretty(view(state, herd, outputs, problems)));
            return;
        }
        if (state.isEmpty()) {
            System.out.println("Herd '" + state.herd() + "' has no servers (never applied, or destroyed).");
            return;
        }
        System.out.printf("%-14s %-14s %-16s %-8s %s%n", "RESOURCE", "SERVER", "ADDRESS", "AGE", "DIGEST");
        for (ServerRecord r : state.servers()) {
            System.out.printf("%-14s %-14s %-16s %-8s %s%s%s%n", r.resource(), r.name(), r.ip(), age(r.createdAt()),
                    r.digest() == null ? "-" : r.digest().substring(0, Math.min(19, r.digest().length())), r.tainted() ? "  (tainted)" : "", r.spare() ? "  (spare)" : "");
        }
        ApplyCommand.printOutputs(outputs, Style.detect(options.noColor));
    }

    /**
     * The herd view of the recorded state alone: no provider, health or images are looked at, and no clock (no
     * {@code generatedAt}, no ages), so the same state always gives the same document.
     */
    private HerdView view(State state, Herd herd, Map<String, String> outputs, List<String> problems) {
        return new HerdView(HerdView.API_VERSION, state.herd(), herd == null ? null : herd.provider().type(),
                herd == null ? List.of() : herd.providers().values().stream().map(p -> new HerdView.ProviderView(p.name(), p.type())).toList(),
                (herd == null ? options.file().toAbsolutePath() : herd.file()).toString(), null, state.serial(), state.lineage(), null, outputs, problems,
                HerdViews.clusters(herd, state, r -> HerdViews.recorded(r, herd, null).build()));
    }

    static String age(Instant created) {
        if (created == null) {
            return "-";
        }
        long s = Duration.between(created, Instant.now()).toSeconds();
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
