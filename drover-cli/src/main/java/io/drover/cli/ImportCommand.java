package io.drover.cli;

import io.drover.engine.Engine;
import io.drover.spi.FileErrors;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "import", description = {
    "Adopt the running servers of this herd into a new state, when the state was lost (deleted, or left on another machine).",
    "Each server is recorded from the tags Drover gave it. Each etcd cluster's CA is recovered from a state that still "
        + "has it: .drover/state.json.backup when there is one, or --secrets-from FILE; it is used only if the running "
        + "members accept it."})
final class ImportCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--secrets-from", paramLabel = "FILE", description = "A state file (an old copy or backup) that holds the etcd clusters' CA.")
    Path secretsFrom;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        // Old copies may be encrypted (with the herd's key or its fallback) or not: both are read.
        StateCodec codec = session.codec().acceptingUnencrypted();
        Map<String, State> sources = new LinkedHashMap<>();
        if (secretsFrom != null) {
            sources.put(secretsFrom.toString(), read(secretsFrom, codec));
        }
        Path backup = Engine.workDir(session.herd).resolve("state.json.backup");
        if (Files.isRegularFile(backup) && !backup.equals(secretsFrom)) {
            sources.put(backup.toString(), read(backup, codec));
        }
        try (StateLock lock = session.store().lock("import");
                Engine engine = session.engine(event -> {}, Engine.Settings.DEFAULT)) {
            Engine.ImportSummary summary = engine.importServers(sources);
            if (options.json) {
                System.out.println(Json.pretty(Map.of("imported", summary.imported(), "unhealthy", summary.unhealthy(),
                        "pkiFrom", summary.pkiSources())));
                return ExitCodes.OK;
            }
            if (summary.imported().isEmpty()) {
                System.out.println("No running server of herd '" + session.herd.name() + "' found: nothing to import.");
                return ExitCodes.OK;
            }
            System.out.println("Imported " + summary.imported().size() + " server" + (summary.imported().size() == 1 ? "" : "s")
                    + ": " + String.join(", ", summary.imported()));
            summary.pkiSources().forEach((cluster, from) -> System.out.println("  CA of etcd cluster '" + cluster + "' recovered from " + from));
            if (!summary.unhealthy().isEmpty()) {
                System.out.println("  not healthy now, recorded as tainted (the next apply replaces them): " + String.join(", ", summary.unhealthy()));
            }
            System.out.println("Run 'drover plan' to see what apply would change.");
            return ExitCodes.OK;
        }
    }

    private static State read(Path file, StateCodec codec) {
        try {
            return codec.decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + FileErrors.describe(e));
        } catch (io.drover.state.StateException e) {
            throw new UserError(e.getMessage());
        }
    }
}
