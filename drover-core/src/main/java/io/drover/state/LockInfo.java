package io.drover.state;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Who holds a state lock, shown to whoever is refused or waits for it.
 *
 * @param id names this holding of the lock for {@code drover force-unlock ID} (the etcd lease id, or a random id)
 */
public record LockInfo(String id, String operation, String user, String host, long pid, Instant since) {

    /** This process, taking the lock now, with a random id. */
    public static LockInfo current(String operation) {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        return current(HexFormat.of().formatHex(id), operation);
    }

    public static LockInfo current(String id, String operation) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return new LockInfo(id, operation, System.getProperty("user.name", "unknown"), host,
                ProcessHandle.current().pid(), Instant.now());
    }

    public String describe() {
        return "'drover " + operation + "' run by " + user + "@" + host + " (pid " + pid + ") since " + since + ", lock ID " + id;
    }
}
