package io.drover.bench;

import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Tags;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/bench plan [RESOURCES]}: how long {@code drover plan} takes for a herd of RESOURCES servers
 * (default 10,000) against an up-to-date state, with a provider that answers from memory, so the figure is
 * the engine's own: read the state file, resolve templates and digests, refresh, plan.
 */
public final class PlanBenchmark {
    private PlanBenchmark() {}

    public static void main(String[] args) throws Exception {
        int resources = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int perCluster = 100;
        int clusters = Math.max(1, resources / perCluster);
        Path dir = Files.createTempDirectory("drover-bench-plan");
        StringBuilder yaml = new StringBuilder("herd: bench\nprovider:\n  type: memory\nclusters:\n");
        for (int c = 0; c < clusters; c++) {
            yaml.append("  c").append(c).append(":\n    size: ").append(perCluster).append("\n    image: base\n")
                    .append("    firstBoot:\n      storage:\n        files:\n          - path: /etc/motd\n")
                    .append("            contents:\n              inline: \"cluster c").append(c).append(" server ${server.name}\"\n");
        }
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);

        MemoryCloud cloud = MemoryCloud.create();
        ProviderFactory factory = new MemoryProviderFactory(cloud);
        long t0 = System.nanoTime();
        Herd herd = new HerdLoader(List.of(factory)).load(file);
        long loadNanos = System.nanoTime() - t0;
        FileStateStore store = new FileStateStore(dir.resolve(".drover"));
        Engine engine = new Engine(herd, factory, store, Map.of(), EventSink.NONE, Engine.Settings.DEFAULT);

        // An up-to-date herd: every slot has a running server with the desired digest, in state and in reality.
        State state = State.empty(herd.name());
        List<ServerRecord> records = new ArrayList<>();
        int n = 0;
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
        for (ServerRecord r : records) {
            state = state.with(r);
        }
        store.write(state);

        int runs = 15;
        long[] nanos = new long[runs];
        Plan last = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            last = engine.plan(Planner.Options.APPLY);
            nanos[i] = System.nanoTime() - start;
        }
        if (last.hasChanges()) {
            throw new IllegalStateException("the benchmark herd should be up to date, but the plan has changes");
        }
        long[] warm = Arrays.copyOfRange(nanos, 5, runs);
        Arrays.sort(warm);
        System.out.printf("plan benchmark: %d resources in %d clusters (provider answers from memory)%n", n, clusters);
        System.out.printf("  herd file load + validation: %7.1f ms%n", loadNanos / 1e6);
        System.out.printf("  first plan (cold JVM):       %7.1f ms%n", nanos[0] / 1e6);
        System.out.printf("  plan, median of %d warm:     %7.1f ms%n", warm.length, warm[warm.length / 2] / 1e6);
        System.out.printf("  plan, worst warm:            %7.1f ms%n", warm[warm.length - 1] / 1e6);
        System.out.printf("  plan, best warm:             %7.1f ms%n", warm[0] / 1e6);
        System.out.printf("  goal: under 1000 ms -> %s (median of warm runs)%n", warm[warm.length / 2] < 1e9 ? "met" : "NOT met");
        System.out.printf("  machine: %d cores, load average %.2f (other work on the machine inflates the worst case)%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
