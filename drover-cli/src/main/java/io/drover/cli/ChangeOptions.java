package io.drover.cli;

import picocli.CommandLine.Option;

/** Options of the commands that change servers (apply, destroy, rotate-ca). */
final class ChangeOptions {
    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--parallelism", paramLabel = "N", description = "How many steps may run at once (default: ${DEFAULT-VALUE}).")
    int parallelism = 10;

    @Option(names = "--lock-timeout", paramLabel = "DURATION",
            description = "How long to wait for the state lock while someone else (a heal pass, a colleague) holds it, e.g. 30s, 5m, 0 (default: ${DEFAULT-VALUE}).")
    String lockTimeout = "2m";

    /** Takes the state lock, waiting up to --lock-timeout and saying who holds it meanwhile. */
    io.drover.state.StateLock lock(io.drover.state.StateStore store, String operation) throws Exception {
        java.time.Duration timeout = io.drover.config.Durations.parse(lockTimeout);
        if (timeout == null) {
            throw new UserError("--lock-timeout: '" + lockTimeout + "' is not a duration (" + io.drover.config.Durations.HINT + ", or 0)");
        }
        return Session.lock(store, operation, timeout);
    }

    int parallelism() {
        if (parallelism < 1) {
            throw new UserError("--parallelism must be at least 1, got " + parallelism);
        }
        return parallelism;
    }
}
