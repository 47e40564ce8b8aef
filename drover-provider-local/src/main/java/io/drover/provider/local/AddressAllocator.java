package io.drover.provider.local;

import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Hands out loopback addresses to new servers. An address is free if no live lease holds it and no TCP socket is
 * bound to it (other software may use 127.x addresses too). Allocation is round-robin from the address handed out
 * last, machine-wide, so an address just released is not reused at once (its ports may still be in TIME_WAIT).
 */
final class AddressAllocator {

    /** The addresses TCP sockets are bound to right now (a seam for tests). */
    interface BoundSockets {
        Set<String> read() throws IOException;

        /** The addresses a live program holds (listening or connected), leaving out the remains of closed sockets. */
        default Set<String> live() throws IOException {
            return read();
        }
    }

    private final AddressRange range;
    private final LeaseDirectory leases;
    private final BoundSockets bound;

    AddressAllocator(AddressRange range, LeaseDirectory leases, BoundSockets bound) {
        this.range = range;
        this.leases = leases;
        this.bound = bound;
    }

    /** Leases a free address to the server directory {@code owner} (which must exist, or the lease looks stale). */
    String allocate(Path owner) throws ProviderException {
        return allocate(owner, Optional.empty());
    }

    /**
     * {@link #allocate(Path)}, giving {@code preferred} when it is in the range and free: the address of a destroyed
     * server that its successor takes over (a restored etcd member), so the round-robin rule does not apply to it.
     */
    String allocate(Path owner, Optional<String> preferred) throws ProviderException {
        return leases.withLock(() -> {
            // The remains of the predecessor's connections (TIME_WAIT for a minute) do not keep its successor off it.
            if (preferred.isPresent() && range.indexOf(preferred.get()) >= 0 && !leases.heldByLiveOwner(preferred.get())
                    && !bound.live().contains(preferred.get()) && leases.tryAcquire(preferred.get(), owner)) {
                return preferred.get();
            }
            Set<String> inUse = bound.read();
            int start = leases.lastAllocated().map(range::indexOf).map(i -> i + 1).orElse(0);
            int leased = 0;
            int taken = 0;
            for (int k = 0; k < range.size(); k++) {
                String address = range.get(Math.floorMod(start + k, range.size()));
                if (leases.heldByLiveOwner(address)) {
                    leased++;
                } else if (inUse.contains(address)) {
                    taken++;
                } else if (leases.tryAcquire(address, owner)) {
                    leases.recordAllocated(address);
                    return address;
                }
            }
            throw new ProviderException("no free loopback address in " + range + ": " + leased + " leased to servers (see "
                    + leases.path() + "), " + taken + " used by other programs; widen the provider's 'addresses' setting or destroy unused servers");
        });
    }

    /** Releases the leases of a server directory. */
    void release(Path owner) throws ProviderException {
        leases.withLock(() -> {
            leases.releaseAll(owner);
            return null;
        });
    }
}
