package io.drover.addr;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's name, {@code cluster-slot-generation} (e.g. {@code etcd-0-2}: the second server to fill
 * {@code etcd[0]}). Names are never reused within a slot, so a name always means one server. Parsed and printed
 * here only; cluster names may hold '-', so the two numbers are read from the right.
 */
public record ServerName(String cluster, int slot, int generation) {
    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9-]*)-(\\d{1,9})-(\\d{1,9})");

    public ServerName {
        Objects.requireNonNull(cluster, "cluster");
        if (slot < 0 || generation < 0) {
            throw new IllegalArgumentException("slot and generation must be >= 0, got " + slot + " and " + generation);
        }
    }

    public static Optional<ServerName> parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        return m != null && m.matches()
                ? Optional.of(new ServerName(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))))
                : Optional.empty();
    }

    public SlotAddress slotAddress() {
        return new SlotAddress(cluster, slot);
    }

    /** The name of the next server of the same slot. */
    public ServerName next() {
        return new ServerName(cluster, slot, generation + 1);
    }

    @Override
    public String toString() {
        return cluster + "-" + slot + "-" + generation;
    }
}
