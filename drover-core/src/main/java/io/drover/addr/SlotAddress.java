package io.drover.addr;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of one slot of a cluster, written {@code cluster[slot]} (e.g. {@code etcd[0]}): what a server fills,
 * whichever server it is. Parsed and printed here only.
 */
public record SlotAddress(String cluster, int slot) implements Comparable<SlotAddress> {
    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9-]*)\\[(\\d{1,9})]");

    public SlotAddress {
        Objects.requireNonNull(cluster, "cluster");
        if (slot < 0) {
            throw new IllegalArgumentException("slot must be >= 0, got " + slot);
        }
    }

    /** Reads {@code cluster[slot]}; empty when the text has another form. */
    public static Optional<SlotAddress> parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        return m != null && m.matches() ? Optional.of(new SlotAddress(m.group(1), Integer.parseInt(m.group(2)))) : Optional.empty();
    }

    /** The address of this slot's server number {@code generation}. */
    public ServerName server(int generation) {
        return new ServerName(cluster, slot, generation);
    }

    @Override
    public int compareTo(SlotAddress o) {
        int byCluster = cluster.compareTo(o.cluster);
        return byCluster != 0 ? byCluster : Integer.compare(slot, o.slot);
    }

    @Override
    public String toString() {
        return cluster + "[" + slot + "]";
    }
}
