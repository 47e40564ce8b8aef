package io.drover.provider.local;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A local load balancer as its directory records it: where it listens, how it checks members, and its members now.
 * HAProxy starts (and restarts, after a kill -9) from the config written from this, so a restart serves the same pool;
 * while it runs, members change through its runtime API, never by a reload.
 *
 * @param checkPath an HTTP check's path, null for a TCP connect
 * @param members by name, in the order they joined
 */
record HaproxyConfig(String cluster, String address, int port, int targetPort, String checkPath, int checkPort, long checkIntervalMillis,
        int checkFailures, Map<String, Member> members) {

    static final String FILE = "loadbalancer.properties";
    static final String HAPROXY_CFG = "haproxy.cfg";
    static final String SOCKET = "admin.sock";
    static final String BACKEND = "members";

    HaproxyConfig {
        members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** A member: a drained one has weight 0 in the file, so a restarted HAProxy does not send it new requests either. */
    record Member(String name, String address, int port, boolean draining) {}

    HaproxyConfig with(Member m) {
        Map<String, Member> next = new LinkedHashMap<>(members);
        next.put(m.name(), m);
        return new HaproxyConfig(cluster, address, port, targetPort, checkPath, checkPort, checkIntervalMillis, checkFailures, next);
    }

    HaproxyConfig without(String name) {
        Map<String, Member> next = new LinkedHashMap<>(members);
        next.remove(name);
        return new HaproxyConfig(cluster, address, port, targetPort, checkPath, checkPort, checkIntervalMillis, checkFailures, next);
    }

    /** The server line options of a member, the same in the file and in a runtime {@code add server}. */
    String serverOptions(Member m) {
        return "check inter " + checkIntervalMillis + "ms fall " + checkFailures + " rise 1"
                + (checkPort != m.port() ? " port " + checkPort : "") + " weight " + (m.draining() ? 0 : 100);
    }

    /**
     * HAProxy's config. {@code retries} with {@code option redispatch 1} and {@code retry-on}: a request whose member
     * refuses the connection, or dies before answering, goes to another member, so a member that died between two
     * checks costs the client nothing.
     */
    String render(Path dir) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by Drover from ").append(FILE).append("; members change through the admin socket, this file holds them for restarts\n");
        b.append("global\n");
        b.append("    maxconn 4096\n");
        b.append("    stats socket ").append(dir.resolve(SOCKET)).append(" mode 600 level admin\n");
        b.append("defaults\n");
        b.append("    mode http\n");
        b.append("    timeout connect 1s\n");
        b.append("    timeout client 60s\n");
        b.append("    timeout server 60s\n");
        b.append("    timeout queue 5s\n");
        b.append("    retries 3\n");
        b.append("    option redispatch 1\n");
        b.append("    retry-on conn-failure empty-response response-timeout 502 503 504\n");
        b.append("    http-reuse never\n");
        b.append("frontend clients\n");
        b.append("    bind ").append(address).append(':').append(port).append('\n');
        b.append("    default_backend ").append(BACKEND).append('\n');
        b.append("backend ").append(BACKEND).append('\n');
        b.append("    balance roundrobin\n");
        if (checkPath != null) {
            b.append("    option httpchk GET ").append(checkPath).append('\n');
        }
        for (Member m : members.values()) {
            b.append("    server ").append(m.name()).append(' ').append(m.address()).append(':').append(m.port()).append(' ')
                    .append(serverOptions(m)).append('\n');
        }
        return b.toString();
    }

    static HaproxyConfig read(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Member> members = new LinkedHashMap<>();
        String list = p.getProperty("members", "").strip();
        if (!list.isEmpty()) {
            for (String name : list.split(",")) {
                String[] v = p.getProperty("member." + name).split(" ");
                members.put(name, new Member(name, v[0], Integer.parseInt(v[1]), "draining".equals(v[2])));
            }
        }
        String path = p.getProperty("checkPath", "");
        return new HaproxyConfig(p.getProperty("cluster"), p.getProperty("address"), Integer.parseInt(p.getProperty("port")),
                Integer.parseInt(p.getProperty("targetPort")), path.isEmpty() ? null : path, Integer.parseInt(p.getProperty("checkPort")),
                Long.parseLong(p.getProperty("checkIntervalMillis")), Integer.parseInt(p.getProperty("checkFailures")), members);
    }

    /** Writes the record, then HAProxy's config from it, each atomically. */
    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster", cluster);
        p.setProperty("address", address);
        p.setProperty("port", String.valueOf(port));
        p.setProperty("targetPort", String.valueOf(targetPort));
        p.setProperty("checkPath", checkPath == null ? "" : checkPath);
        p.setProperty("checkPort", String.valueOf(checkPort));
        p.setProperty("checkIntervalMillis", String.valueOf(checkIntervalMillis));
        p.setProperty("checkFailures", String.valueOf(checkFailures));
        List<String> names = new ArrayList<>(members.keySet());
        p.setProperty("members", String.join(",", names));
        for (Member m : members.values()) {
            p.setProperty("member." + m.name(), m.address() + " " + m.port() + " " + (m.draining() ? "draining" : "ready"));
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "A Drover load balancer: what HAProxy's config is written from");
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path cfgTmp = dir.resolve(HAPROXY_CFG + ".tmp");
        Files.writeString(cfgTmp, render(dir), StandardCharsets.UTF_8);
        Files.move(cfgTmp, dir.resolve(HAPROXY_CFG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
