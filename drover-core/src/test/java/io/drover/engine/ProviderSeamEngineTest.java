package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.apply.Predecessor;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.image.BakedImage;
import io.drover.plan.Planner;
import io.drover.render.FirstBoot;
import io.drover.roles.ClusterRole;
import io.drover.spi.Capability;
import io.drover.spi.Endpoint;
import io.drover.spi.ImageSource;
import io.drover.spi.Limits;
import io.drover.spi.Placement;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.Tags;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryCloud.Operation;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine reads from a provider's factory instead of finding it out by calling: its capabilities (no
 * reservation asked of a provider that declares none), its limits (tags and user data refused before the cloud sees
 * them), and what it hands over: baked images as {@link ImageSource.Baked} (uploaded once, their digest the servers'),
 * and each server's slot as a {@link Placement}, with the address of the slot's destroyed predecessor (a restore) when the
 * provider declares it keeps addresses. On the in-memory cloud and virtual time.
 */
@Timeout(20)
class ProviderSeamEngineTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String DIGEST = "sha256:" + "5e".repeat(32);

    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(T0);
    private MemoryCloud cloud = MemoryCloud.builder().clock(time).build();

    @Test
    void aClusterThatBootstrapsOnAProviderDeclaringNoReservationsGrowsWithoutAskingForOne() throws Exception {
        // The cloud could reserve; the factory does not say so: the engine goes by the declaration, not by a try.
        ProviderFactory factory = declaring(EnumSet.complementOf(EnumSet.of(Capability.RESERVATIONS)), Limits.NONE);

        ApplyResult result = apply(factory, herd(3, "base"), bootstrappingRole);

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.calls(Operation.RESERVE)).isZero();
        assertThat(cloud.calls(Operation.RELEASE)).isZero();
        assertThat(result.state().servers()).hasSize(3);
    }

    @Test
    void aClusterThatBootstrapsOnAProviderDeclaringReservationsReservesEveryMemberFirst() throws Exception {
        ApplyResult result = apply(declaring(EnumSet.allOf(Capability.class), Limits.NONE), herd(3, "base"), bootstrappingRole);

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.calls(Operation.RESERVE)).isEqualTo(3);
    }

    @Test
    void tagsTheProviderWouldRefuseFailTheApplyBeforeAnyServerIsCreated() throws Exception {
        // A digest (sha256:<64 hex>) is 71 characters: too long for a cloud whose tag values stop at 63.
        Limits gcpLike = Limits.NONE.withTagLengths(63, 63).withTagCharacters("[a-z][a-z0-9_-]*", "[a-z0-9_-]*");
        ProviderFactory factory = declaring(EnumSet.allOf(Capability.class), gcpLike);

        assertThatThrownBy(() -> apply(factory, herd(2, "base"), null))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("cluster 'web': tag drover-digest's value 'sha256:")
                .hasMessageContaining("more than 63")
                .hasMessageContaining("tag drover-resource's value 'web[1]' has characters outside [a-z0-9_-]*")
                .hasMessageContaining("nothing was changed");
        assertThat(cloud.calls(Operation.CREATE)).isZero();
        assertThat(cloud.calls(Operation.ENSURE_CLUSTER)).isZero();
    }

    @Test
    void userDataLargerThanTheProviderTakesFailsTheServerWithoutLeavingIt() throws Exception {
        ProviderFactory factory = declaring(EnumSet.allOf(Capability.class), Limits.NONE.withMaxUserDataBytes(8));

        ApplyResult result = apply(factory, herd(1, "base"), null);

        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.message())
                .contains("server web-0-1 of cluster 'web': its first-boot config is").contains("more than the 8 the provider takes")
                .contains("drover bake"));
        assertThat(cloud.servers()).isEmpty();
    }

    @Test
    void eachServerIsCreatedWithItsSlotAndItsClustersSpreadAsPlacement() throws Exception {
        ApplyResult result = apply(new MemoryProviderFactory(cloud), herd(3, "base") + "    antiAffinity: true\n", null);

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.placement("web-0-1")).contains(new Placement(0, 3, true));
        assertThat(cloud.placement("web-2-1")).contains(new Placement(2, 3, true));
    }

    @Test
    void slotsWhoseServersWereDestroyedGetNewNamesOnTheirOldAddressesWhenTheProviderKeepsAddresses() throws Exception {
        List<Predecessor> gone = List.of(new Predecessor("web[0]", 3, "10.9.9.1"), new Predecessor("web[1]", 1, "10.9.9.2"));

        ApplyResult result = apply(new MemoryProviderFactory(cloud), herd(2, "base"), null, gone);

        assertThat(result.failures()).isEmpty();
        assertThat(result.state().servers()).extracting(ServerRecord::name, ServerRecord::ip)
                .containsExactly(tuple("web-0-4", "10.9.9.1"), tuple("web-1-2", "10.9.9.2"));
        assertThat(cloud.placement("web-0-4")).contains(new Placement(0, 2, false, "10.9.9.1"));
    }

    @Test
    void aClusterBootstrappedInPlaceOfDestroyedServersReservesTheirAddressesUnderNewNames() throws Exception {
        List<Predecessor> gone = List.of(new Predecessor("web[0]", 1, "10.9.9.1"), new Predecessor("web[1]", 1, "10.9.9.2"),
                new Predecessor("web[2]", 2, "10.9.9.3"));

        ApplyResult result = apply(new MemoryProviderFactory(cloud), herd(3, "base"), bootstrappingRole, gone);

        assertThat(result.failures()).isEmpty();
        assertThat(cloud.calls(Operation.RESERVE)).isEqualTo(3);
        assertThat(result.state().servers()).extracting(ServerRecord::name, ServerRecord::ip)
                .containsExactly(tuple("web-0-2", "10.9.9.1"), tuple("web-1-2", "10.9.9.2"), tuple("web-2-3", "10.9.9.3"));
    }

    @Test
    void aProviderThatDeclaresNoPreferredAddressesIsNotAskedForOneButTheNamesAreStillNew() throws Exception {
        ProviderFactory factory = declaring(EnumSet.complementOf(EnumSet.of(Capability.PREFERRED_ADDRESSES)), Limits.NONE);

        ApplyResult result = apply(factory, herd(1, "base"), null, List.of(new Predecessor("web[0]", 2, "10.9.9.1")));

        assertThat(result.failures()).isEmpty();
        assertThat(result.state().servers()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("web-0-3");
            assertThat(r.ip()).isNotEqualTo("10.9.9.1");
        });
        assertThat(cloud.placement("web-0-3")).contains(new Placement(0, 1, false));
    }

    @Test
    void aBakedImageReachesTheProviderAsItsDigestAndFilesIsUploadedOnceAndIsTheServersImage() throws Exception {
        Path image = bakedImage("etcd", Set.of("rootfs"));
        ProviderFactory factory = new MemoryProviderFactory(cloud);

        ApplyResult first = apply(factory, herd(2, image.toString()), null);
        ApplyResult again = apply(factory, herd(3, image.toString()), null); // a new engine resolves it anew

        assertThat(first.failures()).isEmpty();
        assertThat(again.failures()).isEmpty();
        assertThat(cloud.uploads()).as("found by its digest the second time").isEqualTo(1);
        assertThat(cloud.servers()).hasSize(3).allSatisfy(s -> {
            assertThat(s.instance().tag(Tags.IMAGE_DIGEST)).isEqualTo(DIGEST);
            assertThat(s.image().orElseThrow().source()).isEqualTo(
                    new ImageSource.Baked("etcd", DIGEST, Optional.of(image.resolve("rootfs")), Optional.empty()));
        });
        assertThat(again.state().servers()).extracting(ServerRecord::imageDigest).containsOnly(DIGEST);
    }

    @Test
    void anImageThatWasNeverBakedIsRefusedWithoutAskingTheProvider() throws Exception {
        Path notBaked = dir.resolve("store").resolve("not-baked-etcd");

        assertThatThrownBy(() -> apply(new MemoryProviderFactory(cloud), herd(1, notBaked.toString()), null))
                .isInstanceOf(ProviderException.class).hasMessage("image 'etcd' is not baked: run 'drover bake' first");
        assertThat(cloud.calls(Operation.RESOLVE_IMAGE)).isZero();
    }

    @Test
    void aBakedImageOnAProviderThatRunsNoneIsRefusedWithoutAskingIt() throws Exception {
        Path image = bakedImage("etcd", Set.of("rootfs"));
        ProviderFactory factory = declaring(EnumSet.complementOf(EnumSet.of(Capability.BAKED_IMAGES)), Limits.NONE);

        assertThatThrownBy(() -> apply(factory, herd(1, image.toString()), null))
                .isInstanceOf(ProviderException.class).hasMessageContaining("image 'etcd' is baked, and this provider runs no baked images");
        assertThat(cloud.calls(Operation.RESOLVE_IMAGE)).isZero();
    }

    // ---- harness -----------------------------------------------------------------------------------------------------

    @Test
    void outputsGiveServersAccessAddressesWhileServersAreToldEachOthersPeerAddresses() throws Exception {
        cloud = MemoryCloud.builder().clock(time).addresses("10.").accessAddresses(ip -> ip.replace("10.", "203.")).build();
        String yaml = """
                herd: shop
                provider:
                  type: memory
                clusters:
                  db: {size: 2, image: base}
                  app:
                    size: 1
                    image: base
                    dependsOn: [db]
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/peers
                            contents: {inline: "${server.ip} ${clusters.db.ips}"}
                outputs:
                  db_ips: ${clusters.db.ips}
                  db_endpoints: ${clusters.db.endpoints}
                """;

        ApplyResult result = apply(new MemoryProviderFactory(cloud), yaml, null);

        assertThat(result.failures()).isEmpty();
        List<ServerRecord> db = result.state().cluster("db");
        assertThat(db).hasSize(2).allSatisfy(r -> {
            assertThat(r.ip()).startsWith("10.");
            assertThat(r.accessIp()).isEqualTo(r.ip().replace("10.", "203."));
        });
        String peers = db.stream().map(ServerRecord::ip).collect(java.util.stream.Collectors.joining(","));
        String access = db.stream().map(ServerRecord::accessAddress).collect(java.util.stream.Collectors.joining(","));
        assertThat(result.state().outputs()).containsEntry("db_ips", access).containsEntry("db_endpoints", access);
        String app = cloud.server("app-0-1").orElseThrow().userData().orElseThrow().text();
        assertThat(app).contains(result.state().cluster("app").getFirst().ip() + "%20" + peers).doesNotContain("203."); // a data: URL
    }

    private Path bakedImage(String name, Set<String> outputs) throws Exception {
        Path image = Files.createDirectories(dir.resolve("store").resolve(DIGEST.substring(7, 19)));
        Files.createDirectories(image.resolve("rootfs"));
        new BakedImage(image, DIGEST, name, T0, outputs, 0, "").write();
        return image;
    }

    private static String herd(int size, String image) {
        return """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: %d
                    image: "%s"
                """.formatted(size, image);
    }

    private ApplyResult apply(ProviderFactory factory, String yaml, ClusterRole role) throws Exception {
        return apply(factory, yaml, role, List.of());
    }

    private ApplyResult apply(ProviderFactory factory, String yaml, ClusterRole role, List<Predecessor> predecessors) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);
        Herd herd = new HerdLoader(List.of(factory)).load(file);
        Engine.Settings settings = new Engine.Settings(10, Duration.ofSeconds(60)).withTime(time, time);
        if (role != null) {
            settings = settings.withRoles((cluster, context) -> role);
        }
        try (Engine engine = new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), EventSink.NONE, settings)) {
            return engine.apply(engine.plan(Planner.Options.APPLY), predecessors);
        }
    }

    /** The memory cloud's provider, declaring what the test says rather than what the cloud can do. */
    private ProviderFactory declaring(Set<Capability> capabilities, Limits limits) {
        MemoryProviderFactory memory = new MemoryProviderFactory(cloud);
        return new ProviderFactory() {
            @Override
            public String type() {
                return memory.type();
            }

            @Override
            public String description() {
                return memory.description();
            }

            @Override
            public List<Setting> settings() {
                return memory.settings();
            }

            @Override
            public Set<Capability> capabilities() {
                return capabilities;
            }

            @Override
            public Limits limits() {
                return limits;
            }

            @Override
            public Provider open(ProviderContext context) {
                return memory.open(context);
            }
        };
    }

    /** A role whose members change one at a time, as etcd's do: a new cluster's members are reserved, then bootstrapped. */
    private final ClusterRole bootstrappingRole = new ClusterRole() {
        @Override
        public FirstBoot join(Endpoint self, Peers peers) {
            return FirstBoot.EMPTY;
        }

        @Override
        public void admit(ServerRecord joined, List<ServerRecord> live) {}

        @Override
        public void leave(ServerRecord leaving, List<ServerRecord> survivors) {}

        @Override
        public Optional<io.drover.plan.Membership> membership(List<ServerRecord> candidates) {
            return Optional.empty();
        }

        @Override
        public void verify(List<ServerRecord> recorded) {}

        @Override
        public boolean serialMembershipChanges() {
            return true;
        }

        @Override
        public List<Integer> ports() {
            return List.of(2380);
        }
    };
}
