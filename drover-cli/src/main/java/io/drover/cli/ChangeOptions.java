package io.drover.cli;

import picocli.CommandLine.Option;

/** Options of the commands that change servers (apply, destroy, rotate-ca). */
final class ChangeOptions {
    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--parallelism", paramLabel = "N", description = "How many steps may run at once (default: ${DEFAULT-VALUE}).")
    int parallelism = 10;

    int parallelism() {
        if (parallelism < 1) {
            throw new UserError("--parallelism must be at least 1, got " + parallelism);
        }
        return parallelism;
    }
}
