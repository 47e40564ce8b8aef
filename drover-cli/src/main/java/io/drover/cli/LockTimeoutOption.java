package io.drover.cli;

import io.drover.config.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --lock-timeout} of the state commands, read like apply's: a herd-file duration, or 0. */
final class LockTimeoutOption {
    @Option(names = "--lock-timeout", paramLabel = "DURATION", description = "How long to wait for the state lock (default: ${DEFAULT-VALUE}).")
    String text = "2m";

    Duration value() {
        Duration d = Durations.parse(text.strip());
        if (d == null) {
            throw new UserError("--lock-timeout: '" + text + "' is not a duration (" + Durations.HINT + ", or 0)", ExitCodes.INVALID_OR_CHANGES);
        }
        return d;
    }
}
