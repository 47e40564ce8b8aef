package io.drover.apply;

import java.time.Duration;

/** A new server did not become healthy in time; it stays recorded as tainted and the next apply replaces it. */
public final class ServerNotHealthyException extends Exception {
    private final String server;

    public ServerNotHealthyException(String server, Duration timeout, String lastCheck) {
        super(server + " did not become healthy within " + timeout.toSeconds() + " s (last check: " + lastCheck
                + "); it stays recorded as tainted and the next apply replaces it");
        this.server = server;
    }

    public String server() {
        return server;
    }
}
