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
        return new LockInfo(id, operation, System.getProperty("user.name", "unknown"), localHost(),
                ProcessHandle.current().pid(), Instant.now());
    }

    /** The same holder, from another moment (a replica that becomes the leader leads since now). */
    public LockInfo since(Instant when) {
        return new LockInfo(id, operation, user, host, pid, when);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /**
     * Whether the holder ran on this host and its process has ended: a killed run whose etcd lease has not expired
     * yet, or a file lock being handed over. Of a holder on another host nothing can be told from here.
     */
    public boolean processGoneHere() {
        return pid > 0 && host.equals(localHost()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    public String describe() {
        return "'drover " + operation + "' run by " + user + "@" + host + " (pid " + pid + ") since " + since + ", lock ID " + id;
    }
}
