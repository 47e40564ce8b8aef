package io.drover.apply;

import java.util.Objects;

/**
 * The last server of a slot, destroyed and no longer in the state (a restore dropped the old cluster's records before
 * creating it anew). The slot's next server is named above it, so a name is never given twice, and, where the provider
 * declares {@link io.drover.spi.Capability#PREFERRED_ADDRESSES}, asks for its address, so that clients' endpoints (the
 * herd's outputs) stay the same.
 *
 * @param resource the slot, e.g. {@code etcd[0]}
 * @param generation the destroyed server's generation (its name's last number)
 * @param address its address, or null when unknown
 */
public record Predecessor(String resource, int generation, String address) {
    public Predecessor {
        Objects.requireNonNull(resource, "resource");
        if (generation < 0) {
            throw new IllegalArgumentException("generation " + generation);
        }
    }
}
