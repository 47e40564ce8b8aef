package io.drover.state;

import java.net.InetAddress;
import java.time.Instant;

/** Who holds a state lock, shown to whoever is refused it. */
public record LockInfo(String operation, String user, String host, long pid, Instant since) {

    public static LockInfo current(String operation) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return new LockInfo(operation, System.getProperty("user.name", "unknown"), host,
                ProcessHandle.current().pid(), Instant.now());
    }

    public String describe() {
        return "'drover " + operation + "' run by " + user + "@" + host + " (pid " + pid + ") since " + since;
    }
}
