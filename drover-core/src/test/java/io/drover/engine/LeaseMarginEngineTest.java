package io.drover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.config.HerdLoader;
import io.drover.plan.Planner;
import io.drover.state.FileStateStore;
import io.drover.state.LeadershipLostException;
import io.drover.state.LeaseTimer;
import io.drover.state.LockInfo;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryCloud.Logged;
import io.drover.testkit.MemoryCloud.Operation;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heal leader whose lease is running out starts no more actions: the engine asks the store before each one, and a
 * leader's store refuses once less than the safety margin of lease is left (virtual monotonic time, in-memory cloud,
 * a real file state behind a store that plays the leader's lease).
 */
@Timeout(20)
class LeaseMarginEngineTest {
    @TempDir
    Path dir;

    private final EngineTest.VirtualTime time = new EngineTest.VirtualTime(Instant.parse("2030-01-01T00:00:00Z"));
    private final MemoryCloud cloud = MemoryCloud.builder().clock(time).build();
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void anActionPastTheSafeLeaseMarginIsNotStartedAndWhatWasDoneIsRecorded() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: shop
                provider:
                  type: memory
                clusters:
                  web:
                    size: 3
                    image: base
                """);
        MemoryProviderFactory factory = new MemoryProviderFactory(cloud);
        // A 3 s lease granted at 0 and never renewed (etcd out of reach), a 1 s margin; each step takes 1.2 s.
        LeaseTimer lease = new LeaseTimer(0, Duration.ofSeconds(3), Duration.ofSeconds(1), nanos::get);
        StateStore store = new LeasedStore(new FileStateStore(dir.resolve(".drover")), lease);
        Engine.Settings settings = new Engine.Settings(1, Duration.ofSeconds(60)).withTime(time, time);
        ApplyResult result;
        try (Engine engine = new Engine(new HerdLoader(List.of(factory)).load(file), factory, store, Map.of(), e -> {
            if (e instanceof Event.Finished) {
                nanos.addAndGet(Duration.ofMillis(1200).toNanos());
            }
        }, settings)) {
            result = engine.apply(engine.plan(Planner.Options.APPLY));
        }

        assertThat(cloud.log()).filteredOn(l -> l.operation() == Operation.CREATE)
                .as("web[2] would start with 0.6 s of lease left: not started")
                .containsExactly(new Logged(Operation.CREATE, "shop", "web-0-1"), new Logged(Operation.CREATE, "shop", "web-1-1"));
        assertThat(result.failures()).extracting(ApplyResult.Failure::cause).hasAtLeastOneElementOfType(LeadershipLostException.class);
        assertThat(store.read().orElseThrow().servers()).extracting(ServerRecord::name).containsExactly("web-0-1", "web-1-1");
    }

    /** The real file store, with the lease check a heal leader's store makes before each action. */
    private record LeasedStore(StateStore store, LeaseTimer lease) implements StateStore {
        @Override
        public Optional<State> read() throws StateException {
            return store.read();
        }

        @Override
        public void write(State next, StateVersion expected) throws StateException {
            store.write(next, expected);
        }

        @Override
        public StateLock lock(String operation) throws StateException {
            return store.lock(operation);
        }

        @Override
        public Optional<LockInfo> lockHolder() throws StateException {
            return store.lockHolder();
        }

        @Override
        public void beforeAction(String resource, String action) throws LeadershipLostException {
            lease.ensureSafe();
        }

        @Override
        public String describe() {
            return store.describe();
        }
    }
}
