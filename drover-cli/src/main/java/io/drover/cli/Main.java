package io.drover.cli;

import picocli.CommandLine;

/** {@code drover}: the entry point. Everything here is wiring; the work is done by the engine. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * gRPC and Netty (under the etcd client) log connection failures to java.util.logging, with stack traces, when
     * a member dies: expected events during a replacement, not the user's business. Shown only with --debug.
     */
    static void quietLibraries(boolean debug) {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(debug ? java.util.logging.Level.INFO : java.util.logging.Level.OFF);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(debug ? java.util.logging.Level.ALL : java.util.logging.Level.OFF);
        }
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        quietLibraries(java.util.Arrays.asList(args).contains("--debug"));
        DroverCommand root = new DroverCommand();
        CommandLine cli = new CommandLine(root);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            return cli.execute(args);
        } finally {
            root.closeResources();
        }
    }
}
