package io.drover.cli;

import picocli.CommandLine.Command;

@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        scope = picocli.CommandLine.ScopeType.INHERIT, // --help on every command
        versionProvider = VersionCommand.Provider.class,
        description = "Immutable cattle servers: declare a herd in YAML, then plan, apply, destroy and heal it.")
// The subcommands are added by Main.commandLine, only the one being run unless picocli needs them all (help).
// A command's description: its first element is its summary in the list of commands, so one whole sentence; each
// further element is a paragraph of whole sentences that picocli wraps to the terminal (HelpTextTest reads them all).
final class DroverCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * The herd file, one option for every command: picocli copies an inherited option to each subcommand, nested ones
     * too, bound to this field, so {@code drover -f FILE state pull}, {@code drover state -f FILE pull} and
     * {@code drover state pull -f FILE} all set it (the last one given wins). {@link HerdOptions#file()} reads it.
     */
    @picocli.CommandLine.Option(names = {"-f", "--file"}, paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The herd file (default: ./drover.yaml).")
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
