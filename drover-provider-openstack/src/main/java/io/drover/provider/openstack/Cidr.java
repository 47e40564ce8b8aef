package io.drover.provider.openstack;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** CIDR blocks as Neutron takes them ({@code remote_ip_prefix}), checked before any request is made. */
final class Cidr {
    private Cidr() {}

    /** {@code 10.0.0.0/24}, {@code 2001:db8::/64}; a host address without a prefix is not a block. */
    static boolean isValid(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            return false;
        }
        String address = text.substring(0, slash);
        String prefix = text.substring(slash + 1);
        if (!prefix.chars().allMatch(Character::isDigit) || prefix.length() > 3) {
            return false;
        }
        int length = Integer.parseInt(prefix);
        if (address.contains(":")) {
            return length <= 128 && isIpv6(address);
        }
        return length <= 32 && isIpv4(address);
    }

    private static boolean isIpv4(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String address) {
        // With a colon in it, the JDK parses the text as an IPv6 literal and never asks DNS.
        if (!address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            return InetAddress.getByName(address) instanceof Inet6Address || address.startsWith("::ffff:");
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
