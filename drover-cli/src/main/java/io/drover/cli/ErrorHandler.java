package io.drover.cli;

import io.drover.config.ConfigException;
import io.drover.config.Problem;
import io.drover.roles.EtcdException;
import io.drover.spi.ProviderException;
import io.drover.state.StateException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns every failure into one clear message on stderr and an exit code; a stack trace only with
 * {@code --debug}, because users need to know what to fix, not where in Drover it was noticed.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /**
     * Makes this picocli's handler of {@code cli}'s failures. Done here rather than in Main: the bytecode verifier
     * checks that an ErrorHandler is picocli's handler type where one is passed as such, which loads that type, and
     * picocli's old class files cannot be kept in the start-up cache; in Main, every command paid for reading it
     * from the jar, plain command lines included.
     */
    static void installOn(CommandLine cli) {
        cli.setExecutionExceptionHandler(new ErrorHandler());
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        return report(e, debug, cli.getErr());
    }

    /** Says what went wrong on {@code err} and returns the exit code for it. */
    static int report(Exception e, boolean debug, PrintWriter err) {
        int code = ExitCodes.ERROR;
        switch (e) {
            case io.drover.config.HerdFileMissingException m -> {
                err.println("drover: no herd file at " + m.file() + " (write one, see docs/herd-file.md, or point to yours with -f FILE)");
                code = ExitCodes.INVALID_OR_CHANGES;
            }
            case ConfigException c -> {
                for (Problem p : c.problems()) {
                    err.println(p);
                }
                err.println(c.problems().size() == 1 ? "1 problem in the herd file." : c.problems().size() + " problems in the herd file.");
                code = ExitCodes.INVALID_OR_CHANGES;
            }
            case UserError u -> {
                err.println("drover: " + u.getMessage());
                code = u.exitCode();
            }
            case io.drover.bake.BakeException b -> err.println("drover: bake failed: " + b.getMessage());
            case ProviderException p -> err.println("drover: provider error: " + p.getMessage());
            case StateException s -> err.println("drover: state error: " + s.getMessage());
            case EtcdException x -> err.println("drover: etcd: " + x.getMessage());
            case io.drover.backup.BackupException b -> err.println("drover: backup: " + b.getMessage());
            default -> err.println("drover: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (debug ? "" : " (run again with --debug for details, and please report it)"));
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
