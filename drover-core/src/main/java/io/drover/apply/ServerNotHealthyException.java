package io.drover.apply;

import java.time.Duration;
import java.util.List;

/** A new server did not become healthy in time; it stays recorded as tainted and the next apply replaces it. */
public final class ServerNotHealthyException extends Exception {
    private final String server;

    public ServerNotHealthyException(String server, Duration timeout, String lastCheck) {
        this(server, timeout, lastCheck, List.of());
    }

    /** @param bootLog the last lines the server's services wrote (quoted: the cause is often only there), or none */
    public ServerNotHealthyException(String server, Duration timeout, String lastCheck, List<String> bootLog) {
        super(server + " did not become healthy within " + timeout.toSeconds() + " s (last check: " + lastCheck
                + "); it stays recorded as tainted and the next apply replaces it"
                + (bootLog.isEmpty() ? "" : ". Its log ends with:\n    " + String.join("\n    ", bootLog)));
        this.server = server;
    }

    public String server() {
        return server;
    }
}
