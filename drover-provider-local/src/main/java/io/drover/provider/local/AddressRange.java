package io.drover.provider.local;

/**
 * An inclusive range of IPv4 loopback addresses, from a setting like {@code 127.0.0.2-127.0.0.254} or
 * {@code 127.0.10.0/24} (whose usable hosts are used: not the network and broadcast addresses).
 */
record AddressRange(int first, int last) {
    /** Finding a free address walks the range: a /16 is more servers than one machine runs. */
    static final int MAX_SIZE = 65536;
    static final String HINT = "write a range like 127.0.0.2-127.0.0.254 or a CIDR block like 127.0.10.0/24 inside 127.0.0.0/8";

    AddressRange {
        if (!isLoopback(first) || !isLoopback(last)) {
            throw new IllegalArgumentException(format(first) + "-" + format(last) + " is not inside 127.0.0.0/8");
        }
        if (Integer.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException(format(first) + " comes after " + format(last));
        }
        if (last - first + 1L > MAX_SIZE) {
            throw new IllegalArgumentException(format(first) + "-" + format(last) + " has " + (last - first + 1L)
                    + " addresses, more than the " + MAX_SIZE + " (a /16) the local provider uses");
        }
    }

    /** Parses {@code A-B}, {@code A/PREFIX} or a single address. */
    static AddressRange parse(String text) {
        String s = text.strip();
        try {
            int slash = s.indexOf('/');
            if (slash >= 0) {
                int prefix;
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'/" + s.substring(slash + 1).strip() + "' is not a prefix length");
                }
                if (prefix < 8 || prefix > 32) {
                    throw new IllegalArgumentException("prefix /" + prefix + " must be between /8 and /32");
                }
                int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
                int network = parseAddress(s.substring(0, slash)) & mask;
                int broadcast = network | ~mask;
                return prefix >= 31 ? new AddressRange(network, broadcast) : new AddressRange(network + 1, broadcast - 1);
            }
            int dash = s.indexOf('-');
            if (dash >= 0) {
                return new AddressRange(parseAddress(s.substring(0, dash)), parseAddress(s.substring(dash + 1)));
            }
            int single = parseAddress(s);
            return new AddressRange(single, single);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid addresses '" + text + "': " + e.getMessage() + "; " + HINT, e);
        }
    }

    int size() {
        return last - first + 1;
    }

    /** The {@code index}-th address of the range. */
    String get(int index) {
        return format(first + index);
    }

    /** The index of an address in this range, or -1. */
    int indexOf(String address) {
        try {
            int a = parseAddress(address);
            return Integer.compareUnsigned(a, first) >= 0 && Integer.compareUnsigned(a, last) <= 0 ? a - first : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return first == last ? format(first) : format(first) + "-" + format(last);
    }

    static int parseAddress(String text) {
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not an IPv4 address");
        }
        int value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text.strip() + "' is not an IPv4 address");
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + text.strip() + "' is not an IPv4 address");
            }
            value = value << 8 | octet;
        }
        return value;
    }

    static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    private static boolean isLoopback(int address) {
        return address >>> 24 == 127;
    }
}
