package io.drover.bench;

import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.ClusterTemplate;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan benchmarks' herd: RESOURCES servers in clusters of 100, a provider that answers from memory, and the
 * up-to-date state of it all (serial 1), so that a plan has nothing to change and measures the engine.
 */
final class PlanFixture {
    final Herd herd;
    final ProviderFactory factory;
    final State state;
    final int clusters;
    final long loadNanos;

    private PlanFixture(Herd herd, ProviderFactory factory, State state, int clusters, long loadNanos) {
        this.herd = herd;
        this.factory = factory;
        this.state = state;
        this.clusters = clusters;
        this.loadNanos = loadNanos;
    }

    /** @param extra appended to the herd file (e.g. a state block) */
    static PlanFixture create(Path dir, int resources, String extra) throws Exception {
        int perCluster = 100;
        int clusters = Math.max(1, resources / perCluster);
        StringBuilder yaml = new StringBuilder("herd: bench\nprovider:\n  type: memory\nclusters:\n");
        for (int c = 0; c < clusters; c++) {
            yaml.append("  c").append(c).append(":\n    size: ").append(perCluster).append("\n    image: base\n")
                    .append("    firstBoot:\n      storage:\n        files:\n          - path: /etc/motd\n")
                    .append("            contents:\n              inline: \"cluster c").append(c).append(" server ${server.name}\"\n");
        }
        yaml.append(extra);
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);

        MemoryCloud cloud = MemoryCloud.create();
        ProviderFactory factory = new MemoryProviderFactory(cloud);
        long t0 = System.nanoTime();
        Herd herd = new HerdLoader(List.of(factory)).load(file);
        long loadNanos = System.nanoTime() - t0;

        State state = upToDate(herd, factory, cloud, dir.resolve(".unused"));
        return new PlanFixture(herd, factory, state, clusters, loadNanos);
    }

    /**
     * An up-to-date herd, as after an apply: every slot has a running server of the desired digest, put into
     * {@code cloud} and recorded in the returned state (serial 1).
     *
     * @param factory the provider the herd's templates are resolved through ({@code cloud}'s, perhaps wrapped)
     * @param scratch a directory for the state store the engine is opened with (nothing is written there)
     */
    static State upToDate(Herd herd, ProviderFactory factory, MemoryCloud cloud, Path scratch) throws Exception {
        List<ServerRecord> records = new ArrayList<>();
        int n = 0;
        try (Engine engine = new Engine(herd, factory, new io.drover.state.FileStateStore(scratch), Map.of(),
                EventSink.NONE, Engine.Settings.DEFAULT)) {
            for (ClusterTemplate t : engine.templates().values()) {
                Cluster c = t.cluster();
                for (int slot = 0; slot < c.size(); slot++) {
                    String name = c.name() + "-" + slot + "-1";
                    String ip = "10.0." + (n >> 8 & 255) + "." + (n & 255);
                    ServerRecord r = new ServerRecord(ServerRecord.resource(c.name(), slot), c.name(), slot, 1, name, "m-" + n, ip,
                            t.digest(), t.image().digest(), Instant.now(), false, Map.of());
                    records.add(r);
                    cloud.put(herd.name(), new Instance(r.instanceId(), name, ip, Instance.Status.RUNNING, Map.of(Tags.HERD, herd.name(),
                            Tags.CLUSTER, c.name(), Tags.RESOURCE, r.resource(), Tags.DIGEST, t.digest()), r.createdAt()));
                    n++;
                }
            }
        }
        State empty = State.empty(herd.name());
        return new State(State.FORMAT_VERSION, empty.lineage(), 1, herd.name(), records, Map.of(), Map.of());
    }

    int resources() {
        return state.servers().size();
    }
}
