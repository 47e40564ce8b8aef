package io.drover.spi;

/**
 * Where in its cluster a server goes, for providers that spread a cluster over failure domains (zones, racks): a
 * cloud with three zones may put slot {@code n} in zone {@code n % 3}, so that an etcd cluster of three or five keeps
 * its quorum when one zone is lost. Slots are stable: the replacement of a server takes its slot.
 *
 * @param slot the server's slot in its cluster, {@code 0 .. size-1}
 * @param size how many slots the cluster has
 * @param spread the herd file asks for the cluster's servers on distinct hosts ({@code antiAffinity})
 * @param address the address the slot's last server had, which the new one should get if it is free (a restored etcd
 *     cluster whose clients keep their endpoints), or null for any. Only given to providers that declare
 *     {@link Capability#PREFERRED_ADDRESSES}; a preference, not an order: when the address is taken the provider gives
 *     another, as it would without one
 */
public record Placement(int slot, int size, boolean spread, String address) {
    /** A server placed with no hint (a test's single server). */
    public static final Placement ANY = new Placement(0, 1, false);

    public Placement {
        if (slot < 0 || size < 1) {
            throw new IllegalArgumentException("slot " + slot + " of " + size);
        }
        if (address != null && address.isBlank()) {
            throw new IllegalArgumentException("a preferred address must not be blank");
        }
    }

    /** A placement with no preferred address. */
    public Placement(int slot, int size, boolean spread) {
        this(slot, size, spread, null);
    }

    /** The same placement, preferring {@code preferred} (null: none). */
    public Placement preferring(String preferred) {
        return new Placement(slot, size, spread, preferred);
    }

    /** The address to give if it is free, if one is preferred. */
    public java.util.Optional<String> preferredAddress() {
        return java.util.Optional.ofNullable(address);
    }
}
