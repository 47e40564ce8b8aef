package io.drover.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The IPv4 addresses that TCP sockets of this network namespace are bound to, from {@code /proc/net/tcp} and the
 * IPv4-mapped entries of {@code /proc/net/tcp6} (Java and other dual-stack servers show up there). Any state
 * counts, TIME_WAIT included, so a fresh server never inherits a port that is still taken.
 */
final class BoundAddresses {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private BoundAddresses() {}

    /** The machine's sockets: every address for a new server, only live ones for a successor's preferred address. */
    static final AddressAllocator.BoundSockets SYSTEM = new AddressAllocator.BoundSockets() {
        @Override
        public Set<String> read() throws IOException {
            return BoundAddresses.read();
        }

        @Override
        public Set<String> live() throws IOException {
            return BoundAddresses.live();
        }
    };

    static Set<String> read() throws IOException {
        return read(false);
    }

    /**
     * The addresses of sockets that listen or are connected: what a live program holds. The rest (TIME_WAIT and the
     * other states of a closing connection) are what a killed server leaves on its address for a minute; its successor,
     * binding its own listening ports with SO_REUSEADDR as etcd and most servers do, is not hindered by them.
     */
    static Set<String> live() throws IOException {
        return read(true);
    }

    private static Set<String> read(boolean liveOnly) throws IOException {
        Set<String> addresses = new HashSet<>();
        for (Path table : TABLES) {
            try {
                addresses.addAll(parse(Files.readAllLines(table), liveOnly));
            } catch (NoSuchFileException e) {
                // no IPv6 (or no procfs): nothing bound there
            }
        }
        return addresses;
    }

    /** Parses the lines of a {@code /proc/net/tcp}-style table (header included). */
    static Set<String> parse(List<String> lines) {
        return parse(lines, false);
    }

    /** {@link #parse(List)}, only of sockets in state ESTABLISHED (01) or LISTEN (0A) when {@code liveOnly}. */
    static Set<String> parse(List<String> lines, boolean liveOnly) {
        Set<String> addresses = new HashSet<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            if (liveOnly && (fields.length < 4 || !(fields[3].equals("01") || fields[3].equalsIgnoreCase("0A")))) {
                continue;
            }
            String local = fields[1];
            int colon = local.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String hex = local.substring(0, colon);
            if (hex.length() == 8) {
                addresses.add(littleEndian(hex));
            } else if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
                addresses.add(littleEndian(hex.substring(24)));
            }
        }
        return addresses;
    }

    /** The kernel prints each 32-bit word in host (little-endian) byte order. */
    private static String littleEndian(String hex) {
        int word = (int) Long.parseLong(hex, 16);
        return (word & 0xff) + "." + (word >>> 8 & 0xff) + "." + (word >>> 16 & 0xff) + "." + (word >>> 24 & 0xff);
    }
}
