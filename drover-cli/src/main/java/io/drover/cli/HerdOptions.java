package io.drover.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that reads a herd file shares. */
final class HerdOptions {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The herd file (default: ./drover.yaml).")
    Path file = Path.of("drover.yaml");

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set or output is not a terminal).")
    boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
    boolean debug;
}
