package io.drover.cli;

import picocli.CommandLine.Command;

@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        scope = picocli.CommandLine.ScopeType.INHERIT, // --help on every command
        versionProvider = VersionCommand.Provider.class,
        description = "Immutable cattle servers: declare a herd in YAML, then plan, apply, destroy and heal it.")
// The subcommands are added by Main.commandLine, only the one being run unless picocli needs them all (help).
final class DroverCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code drover -f FILE COMMAND} works as well as {@code drover COMMAND -f FILE}. */
    @picocli.CommandLine.Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The herd file (default: ./drover.yaml).")
    java.nio.file.Path file;

    /** What commands opened that must be closed when the command line has run (state store connections). */
    private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Has {@code resource} closed after the command whose spec this is, by {@link #closeResources}. */
    static void closeWhenDone(picocli.CommandLine.Model.CommandSpec command, AutoCloseable resource) {
        if (command != null && command.root().userObject() instanceof DroverCommand root) {
            root.resources.add(resource);
        }
    }

    /** Closes what the command opened; called once the command line has run. */
    void closeResources() {
        close(resources);
    }

    /** Closes and forgets {@code resources}. */
    static void close(java.util.List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // closing a connection at exit: nothing left to do about it
            }
        }
        resources.clear();
    }
}
