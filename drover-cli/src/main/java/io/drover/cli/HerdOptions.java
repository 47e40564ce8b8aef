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

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The herd file (default: ./drover.yaml).")
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

    /** The herd file: given after the command, or before it ({@code drover -f FILE apply}), or ./drover.yaml. */
    Path file() {
        if (file != null) {
            return file;
        }
        if (command != null && command.parent() != null && command.parent().userObject() instanceof DroverCommand top && top.file != null) {
            return top.file;
        }
        return DEFAULT_FILE;
    }
}
