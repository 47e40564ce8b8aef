package io.drover.spi;

/**
 * Where in its cluster a server goes, for providers that spread a cluster over failure domains (zones, racks): a
 * cloud with three zones may put slot {@code n} in zone {@code n % 3}, so that an etcd cluster of three or five keeps
 * its quorum when one zone is lost. Slots are stable: the replacement of a server takes its slot.
 *
 * @param slot the server's slot in its cluster, {@code 0 .. size-1}
 * @param size how many slots the cluster has
 * @param spread the herd file asks for the cluster's servers on distinct hosts ({@code antiAffinity})
 */
public record Placement(int slot, int size, boolean spread) {
    /** A server placed with no hint (a test's single server). */
    public static final Placement ANY = new Placement(0, 1, false);

    public Placement {
        if (slot < 0 || size < 1) {
            throw new IllegalArgumentException("slot " + slot + " of " + size);
        }
    }
}
