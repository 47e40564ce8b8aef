package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import io.drover.testkit.MemoryCloud.Fault;
import io.drover.testkit.MemoryCloud.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The knobs of the in-memory cloud that engine tests turn (the provider contract is MemoryProviderContractTest's). */
class MemoryCloudTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final MemoryCloud cloud = MemoryCloud.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).addresses("127.0.99.")
            .fixedAddress("web-9-1", "127.0.99.200").build();
    private final MemoryProvider provider = cloud.open("h");

    private LaunchRequest request(String name) throws ProviderException {
        return new LaunchRequest("web", name, provider.resolveImage("base"), Map.of(), Map.of(Tags.RESOURCE, "web[0]"),
                endpoint -> new UserData(UserData.IGNITION, ("{\"at\":\"" + endpoint.ip() + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createdAtComesFromTheInjectedClockAndAddressesFromThePool() throws ProviderException {
        Instance a = provider.create(request("web-0-1"));
        Instance fixed = provider.create(request("web-9-1"));

        assertThat(a.createdAt()).isEqualTo(T0);
        assertThat(a.ip()).isEqualTo("127.0.99.1");
        assertThat(fixed.ip()).isEqualTo("127.0.99.200");
        assertThat(cloud.server("web-0-1").orElseThrow().userData().orElseThrow().text()).isEqualTo("{\"at\":\"127.0.99.1\"}");
        assertThat(cloud.renders("web-0-1")).isEqualTo(1);
    }

    @Test
    void aFaultFiresOnItsTargetAsOftenAsToldWithItsRetryability() throws ProviderException {
        cloud.inject(Fault.on(Operation.CREATE).target("web-1-1").retryable().times(2).message("quota exceeded"));

        provider.create(request("web-0-1"));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> provider.create(request("web-1-1")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessage("quota exceeded");
        }
        provider.create(request("web-1-1"));

        assertThat(cloud.calls(Operation.CREATE)).isEqualTo(4);
        assertThat(provider.list()).extracting(Instance::name).containsExactly("web-0-1", "web-1-1");
    }

    @Test
    void aCrashAfterCreateLeavesARunningServerAndKillsTheCaller() throws ProviderException {
        cloud.inject(Fault.on(Operation.CREATE).crashAfterCreate());

        assertThatThrownBy(() -> provider.create(request("web-0-1"))).isInstanceOf(MemoryCloud.SimulatedCrash.class);

        assertThat(provider.list()).singleElement().satisfies(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
    }

    @Test
    void aHeldCreateIsListedBuildingUntilReleased() throws Exception {
        MemoryCloud.Hold hold = cloud.hold(Operation.CREATE, "web-0-1");
        CompletableFuture<Instance> create = CompletableFuture.supplyAsync(() -> {
            try {
                return provider.create(request("web-0-1"));
            } catch (ProviderException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(hold.awaitReached(Duration.ofSeconds(10))).isTrue();
        assertThat(provider.list()).singleElement().satisfies(i -> assertThat(i.status()).isEqualTo(Instance.Status.BUILDING));
        hold.release();

        assertThat(create.get(10, TimeUnit.SECONDS).status()).isEqualTo(Instance.Status.RUNNING);
    }

    @Test
    void theLogHasCreatesAndDestroysInTheOrderTheyTookEffectButNotFailuresOrAdoptions() throws ProviderException {
        cloud.inject(Fault.on(Operation.CREATE).target("web-1-1"));
        Instance a = provider.create(request("web-0-1"));
        assertThatThrownBy(() -> provider.create(request("web-1-1"))).isInstanceOf(ProviderException.class);
        provider.create(request("web-0-1")); // adopted: it runs already
        provider.create(request("web-1-1"));
        provider.destroy(a.id());
        provider.destroy(a.id()); // gone already: nothing happens
        cloud.open("other").create(request("web-0-1"));

        assertThat(cloud.log()).containsExactly(
                new MemoryCloud.Logged(Operation.CREATE, "h", "web-0-1"),
                new MemoryCloud.Logged(Operation.CREATE, "h", "web-1-1"),
                new MemoryCloud.Logged(Operation.DESTROY, "h", "web-0-1"),
                new MemoryCloud.Logged(Operation.CREATE, "other", "web-0-1"));
    }

    @Test
    void aNewBuildOfAnImageResolvesToANewDigest() throws ProviderException {
        String before = provider.resolveImage("base").digest();

        cloud.publish("base");

        assertThat(provider.resolveImage("base").digest()).isNotEqualTo(before);
        assertThatThrownBy(() -> provider.resolveImage("other")).isInstanceOf(ProviderException.class).hasMessageContaining("'other'");
    }

    @Test
    void serversPutInPlaceAndStatusesSetBehindTheBackAreWhatListShows() throws ProviderException {
        cloud.put("h", new Instance("m-77", "web-0-1", "10.0.0.77", Instance.Status.RUNNING, Map.of(Tags.CLUSTER, "web"), T0));
        cloud.put("other", new Instance("m-78", "web-0-1", "10.0.0.78", Instance.Status.RUNNING, Map.of(), T0));
        cloud.setStatus("web-0-1", Instance.Status.ERROR);

        assertThat(provider.list()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("m-77");
            assertThat(i.status()).isEqualTo(Instance.Status.ERROR);
            assertThat(i.tags()).containsEntry(Tags.HERD, "h");
        });
    }

    @Test
    void aCloudWithoutReservationsAnswersEmpty() throws ProviderException {
        assertThat(MemoryCloud.builder().withoutReservations().build().open("h").reserve("web", "web-0-1", Map.of())).isEmpty();
    }

    @Test
    void anInterruptedCreateLeftBehindIsRebuiltOnItsAddressByTheNextCreate() throws ProviderException {
        Instance left = cloud.interruptedCreate("h", request("web-0-1"), Instance.Status.STOPPED);
        assertThat(provider.list()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(Instance.Status.STOPPED);
            assertThat(i.tags()).containsEntry(Tags.RESOURCE, "web[0]").containsEntry(Tags.HERD, "h");
        });

        Instance rebuilt = provider.create(request("web-0-1"));

        assertThat(rebuilt.id()).isNotEqualTo(left.id());
        assertThat(rebuilt.ip()).isEqualTo(left.ip());
        assertThat(provider.list()).singleElement().satisfies(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
    }
}
