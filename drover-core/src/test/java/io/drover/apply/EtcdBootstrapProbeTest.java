package io.drover.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.state.FileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An etcd cluster bootstrapped from reserved addresses starts its members one after another, waiting for each
 * one's peer port, but only when its health check is etcd's: with {@code health: process} (e.g. a cloud whose
 * guests Drover cannot reach) no TCP probe is sent and the members are judged by the provider alone.
 */
class EtcdBootstrapProbeTest {
    @TempDir
    Path dir;

    @Test
    void bootstrapWithProcessHealthDoesNotWaitForPeerPorts() throws Exception {
        // Nothing listens on these loopback addresses: a peer-port probe would wait out the 2 s start timeout and fail.
        ReservingProvider provider = new ReservingProvider("127.0.99.");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: probe
                provider:
                  type: reserving
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: base
                    health:
                      type: process
                      startTimeout: 2s
                """);
        ProviderFactory factory = factory(provider);
        Herd herd = new HerdLoader(List.of(factory)).load(file);

        ApplyResult result;
        try (Engine engine = new Engine(herd, factory, new FileStateStore(dir.resolve(".drover")), Map.of(), EventSink.NONE,
                Engine.Settings.DEFAULT)) {
            result = engine.apply(engine.plan(Planner.Options.APPLY));
        }

        assertThat(result.failures()).isEmpty();
        assertThat(provider.reserved).hasSize(3);
        assertThat(provider.list()).extracting(Instance::ip).containsExactlyInAnyOrderElementsOf(provider.reserved.values());
    }

    private static ProviderFactory factory(Provider provider) {
        return new ProviderFactory() {
            @Override
            public String type() {
                return "reserving";
            }

            @Override
            public String description() {
                return "in memory, with reservations (tests)";
            }

            @Override
            public List<Setting> settings() {
                return List.of();
            }

            @Override
            public Provider open(ProviderContext context) {
                return provider;
            }
        };
    }

    /** Servers in memory; addresses are reserved ahead and used by the create of the same name. */
    private static final class ReservingProvider implements Provider {
        final Map<String, String> reserved = new ConcurrentHashMap<>();
        private final Map<String, Instance> instances = new ConcurrentHashMap<>();
        private final AtomicInteger next = new AtomicInteger(1);
        private final String prefix;

        ReservingProvider(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Image resolveImage(String reference) {
            return new Image(reference, reference, "sha256:" + Integer.toHexString(reference.hashCode()));
        }

        @Override
        public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags) {
            return Optional.of(new Endpoint(name, reserved.computeIfAbsent(name, n -> prefix + next.getAndIncrement())));
        }

        @Override
        public Instance create(LaunchRequest request) throws io.drover.spi.ProviderException {
            String ip = reserved.computeIfAbsent(request.name(), n -> prefix + next.getAndIncrement());
            request.userData().render(new Endpoint(request.name(), ip));
            Instance instance = new Instance("m-" + request.name(), request.name(), ip, Instance.Status.RUNNING, request.tags(), Instant.now());
            instances.put(instance.id(), instance);
            return instance;
        }

        @Override
        public List<Instance> list() {
            return new ArrayList<>(instances.values());
        }

        @Override
        public void destroy(String instanceId) {
            instances.remove(instanceId);
        }
    }
}
