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

    /**
     * The herd file when the command runs without picocli ({@link PlainCommandLine}); through picocli, -f is the top
     * command's inherited option (see {@link DroverCommand#file}), so that it is one option in every position.
     */
    Path file;

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set or output is not a terminal).")
    boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
    boolean debug;

    /** What the command opened (state store connections), when it runs without picocli (see {@link PlainCommandLine}). */
    private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();

    /**
     * Has {@code resource} closed when the command line has run: by the top command once picocli has run it, else
     * by {@link #closeResources}.
     */
    void closeWhenDone(AutoCloseable resource) {
        if (command != null) {
            DroverCommand.closeWhenDone(command, resource);
        } else {
            resources.add(resource);
        }
    }

    /** Closes what {@link #closeWhenDone} was given, for a command run without picocli. */
    void closeResources() {
        DroverCommand.close(resources);
    }

    /** The herd file: -f wherever it was given ({@code drover -f FILE apply}, {@code drover apply -f FILE}), or ./drover.yaml. */
    Path file() {
        Path given = command != null && command.root().userObject() instanceof DroverCommand top ? top.file : file;
        return given != null ? given : DEFAULT_FILE;
    }
}
