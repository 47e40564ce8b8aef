package io.drover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the drover command line in this JVM and captures what it prints, as a user would see it. */
final class Cli {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Cli() {}

    static synchronized Result run(String... args) {
        return capture((o, e) -> {
            picocli.CommandLine cli = Main.commandLine(args);
            DroverCommand root = (DroverCommand) cli.getCommand();
            cli.setOut(new java.io.PrintWriter(o, true));
            cli.setErr(new java.io.PrintWriter(e, true));
            try {
                return cli.execute(args);
            } finally {
                root.closeResources();
            }
        });
    }

    /** The same command line through {@link PlainCommandLine}, which must take it. */
    static synchronized Result runPlain(String... args) {
        return capture((o, e) -> PlainCommandLine.run(args, new java.io.PrintWriter(e, true))
                .orElseThrow(() -> new AssertionError("not a plain command line: " + String.join(" ", args))));
    }

    private interface Command {
        int run(PrintStream out, PrintStream err);
    }

    private static Result capture(Command command) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = command.run(o, e);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
