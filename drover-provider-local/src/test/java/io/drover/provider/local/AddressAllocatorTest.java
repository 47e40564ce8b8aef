package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.ProviderException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressAllocatorTest {
    @TempDir
    Path tempDir;

    private LeaseDirectory leases;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() {
        leases = new LeaseDirectory(tempDir.resolve("leases"));
    }

    /** Of {@link #bound}, the addresses a live program listens or is connected on (the rest are closing sockets). */
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    private AddressAllocator allocator(String range) {
        return new AddressAllocator(AddressRange.parse(range), leases, new AddressAllocator.BoundSockets() {
            @Override
            public Set<String> read() {
                return Set.copyOf(bound);
            }

            @Override
            public Set<String> live() {
                return Set.copyOf(live);
            }
        });
    }

    private Path server(String name) throws Exception {
        return Files.createDirectories(tempDir.resolve("servers").resolve(name));
    }

    @Test
    void givesDistinctAddressesAndWritesLeasesNamingTheOwner() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.0/24");
        Path a = server("a");
        Path b = server("b");

        String first = allocator.allocate(a);
        String second = allocator.allocate(b);

        assertThat(first).isEqualTo("127.0.43.1");
        assertThat(second).isEqualTo("127.0.43.2");
        assertThat(tempDir.resolve("leases").resolve(first)).hasContent(a.toString());
        assertThat(tempDir.resolve("leases").resolve(second)).hasContent(b.toString());
    }

    @Test
    void skipsALeaseHeldByAnotherLiveDirectory() throws Exception {
        Files.createDirectories(tempDir.resolve("leases"));
        Files.writeString(tempDir.resolve("leases/127.0.43.1"), server("other-herd-server") + "\n");

        assertThat(allocator("127.0.43.0/24").allocate(server("a"))).isEqualTo("127.0.43.2");
        assertThat(tempDir.resolve("leases/127.0.43.1")).hasContent(tempDir.resolve("servers/other-herd-server").toString());
    }

    @Test
    void reclaimsAStaleLeaseWhoseOwnerDirectoryIsGone() throws Exception {
        Files.createDirectories(tempDir.resolve("leases"));
        Files.writeString(tempDir.resolve("leases/127.0.43.1"), tempDir.resolve("servers/deleted-by-hand") + "\n");
        Path a = server("a");

        assertThat(allocator("127.0.43.1-127.0.43.1").allocate(a)).isEqualTo("127.0.43.1");
        assertThat(tempDir.resolve("leases/127.0.43.1")).hasContent(a.toString());
    }

    @Test
    void skipsAddressesWithBoundSockets() throws Exception {
        bound.add("127.0.43.1");

        assertThat(allocator("127.0.43.0/24").allocate(server("a"))).isEqualTo("127.0.43.2");
    }

    @Test
    void doesNotReuseAJustReleasedAddress() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.0/24");
        Path a = server("a");
        String first = allocator.allocate(a);
        allocator.release(a);

        String next = allocator.allocate(server("b"));

        assertThat(next).isNotEqualTo(first);
        assertThat(tempDir.resolve("leases").resolve(first)).doesNotExist();
    }

    @Test
    void aSuccessorPreferringTheAddressOfADestroyedServerGetsItDespiteItsClosingSockets() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.0/24");
        Path old = server("etcd-0-1");
        String address = allocator.allocate(old);
        allocator.allocate(server("etcd-1-1"));
        allocator.release(old);
        bound.add(address); // the killed server's connections, in TIME_WAIT for a minute

        assertThat(allocator.allocate(server("etcd-0-2"), Optional.of(address))).isEqualTo(address);
        assertThat(allocator.allocate(server("other"))).as("round-robin goes on after the last address it gave")
                .isEqualTo("127.0.43.3");
    }

    @Test
    void aPreferredAddressThatIsLeasedListenedOnOrOutsideTheRangeGivesTheNextFreeOne() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.0/24");
        String leased = allocator.allocate(server("holder"));
        live.add("127.0.43.2");
        bound.add("127.0.43.2");

        assertThat(allocator.allocate(server("a"), Optional.of(leased))).isEqualTo("127.0.43.3");
        assertThat(allocator.allocate(server("b"), Optional.of("127.0.43.2"))).isEqualTo("127.0.43.4");
        assertThat(allocator.allocate(server("c"), Optional.of("127.0.99.9"))).isEqualTo("127.0.43.5");
    }

    @Test
    void wrapsAroundTheRange() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.1-127.0.43.2");
        Path a = server("a");
        allocator.allocate(a);
        Path b = server("b");
        allocator.allocate(b);
        allocator.release(a);

        assertThat(allocator.allocate(server("c"))).isEqualTo("127.0.43.1");
    }

    @Test
    void explainsAnExhaustedRange() throws Exception {
        AddressAllocator allocator = allocator("127.0.43.1-127.0.43.2");
        allocator.allocate(server("a"));
        bound.add("127.0.43.2");

        assertThatThrownBy(() -> allocator.allocate(server("b")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("no free loopback address in 127.0.43.1-127.0.43.2: 1 leased to servers (see " + tempDir.resolve("leases")
                        + "), 1 used by other programs; widen the provider's 'addresses' setting or destroy unused servers");
    }

    @Test
    void concurrentAllocationsFromSeveralAllocatorsNeverCollide() throws Exception {
        List<Path> owners = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            owners.add(server("s" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new java.util.ArrayList<>();
            for (Path owner : owners) {
                // a fresh allocator per call, like separate provider sessions sharing the lease directory
                futures.add(pool.submit(() -> allocator("127.0.43.0/24").allocate(owner)));
            }
            Set<String> addresses = new HashSet<>();
            for (Future<String> f : futures) {
                addresses.add(f.get());
            }
            assertThat(addresses).hasSize(16);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void seesARealListeningSocket() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.43.77"))) {
            assertThat(socket.isBound()).isTrue();
            assertThat(BoundAddresses.read()).contains("127.0.43.77");
        }
    }

    @Test
    void parsesIpv4AndMappedIpv6Tables() {
        assertThat(BoundAddresses.parse(List.of(
                        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                        "   0: 0200007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0",
                        "   1: 0000000000000000FFFF00000500007F:0050 00000000000000000000000000000000:0000 0A 0",
                        "   2: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0")))
                .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.5");
    }
}
