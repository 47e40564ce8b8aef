package io.drover.cli;

import io.drover.config.Durations;
import java.time.Duration;

/** {@code --lock-timeout DURATION} of the state commands, read like apply's (a herd-file duration, or 0). */
final class LockTimeout {
    private LockTimeout() {}

    static Duration parse(String text) {
        Duration d = Durations.parse(text.strip());
        if (d == null) {
            throw new UserError("--lock-timeout: '" + text + "' is not a duration (" + Durations.HINT + ", or 0)", ExitCodes.INVALID_OR_CHANGES);
        }
        return d;
    }
}
