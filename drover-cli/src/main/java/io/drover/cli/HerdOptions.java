package io.drover.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command that reads a herd file shares. */
final class HerdOptions {
    private static final Path DEFAULT_FILE = Path.of("drover.yaml");

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set or output is not a terminal).")
    boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
    boolean debug;

    /** Has {@code resource} closed by the top command once picocli has run the command line. */
    void closeWhenDone(AutoCloseable resource) {
        DroverCommand.closeWhenDone(command, resource);
    }

    /** The herd file: -f wherever it was given ({@code drover -f FILE apply}, {@code drover apply -f FILE}), or ./drover.yaml. */
    Path file() {
        Path given = command != null && command.root().userObject() instanceof DroverCommand top ? top.file : null;
        return given != null ? given : DEFAULT_FILE;
    }
}
