package io.drover.bench;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.heal.HealEvent;
import io.drover.heal.HealMetrics;
import io.drover.heal.HealOptions;
import io.drover.heal.HealPass;
import io.drover.heal.Reconciler;
import io.drover.state.FileStateStore;
import io.drover.state.StateVersion;
import io.drover.testkit.MemoryCloud;
import io.drover.testkit.MemoryProviderFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/bench heal-scale [SERVERS] [BUDGET]}: one heal leader looking after SERVERS (default 1,000) servers in
 * clusters of 10, on the in-memory cloud made to cost what a real one does (50 ms a call, BUDGET requests a second,
 * default 10, 5% of calls failing retryably). Prints a pass's CPU and wall time over the healthy herd, the requests
 * per second a steady heal makes against the budget, and how long replacing 10 servers that vanish at once takes.
 */
public final class HealScaleBenchmark {
    private HealScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int budget = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int perCluster = 10;
        int clusters = Math.max(1, servers / perCluster);
        Path dir = Files.createTempDirectory("drover-bench-heal-scale");
        StringBuilder yaml = new StringBuilder("herd: scale\nprovider:\n  type: memory\nclusters:\n");
        for (int c = 0; c < clusters; c++) {
            yaml.append("  c").append(c).append(":\n    size: ").append(perCluster).append("\n    image: base\n")
                    .append("    health: {type: process, interval: 1s}\n");
        }
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);

        MemoryCloud cloud = MemoryCloud.create();
        RealisticCloud real = new RealisticCloud(new MemoryProviderFactory(cloud), Duration.ofMillis(50), 0.05, budget);
        Herd herd = new HerdLoader(List.of(real)).load(file);
        FileStateStore store = new FileStateStore(dir.resolve(".drover"));
        store.write(PlanFixture.upToDate(herd, real, cloud, Files.createTempDirectory("unused")), StateVersion.NONE);

        AtomicInteger healed = new AtomicInteger();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Reconciler heal = new Reconciler(herd, List.of(real), store, Map.of(), HealOptions.DEFAULT, new HealMetrics(), e -> {
            if (e.kind() == HealEvent.Kind.HEALED) {
                healed.incrementAndGet();
            }
        }, Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                pass(heal); // warm up: class loading, the JIT, the first listing and image look-ups
            }
            int passes = 10;
            long[] cpu = new long[passes];
            long[] wall = new long[passes];
            long calls0 = real.calls();
            long span0 = System.nanoTime();
            for (int i = 0; i < passes; i++) {
                long c0 = os.getProcessCpuTime();
                long w0 = System.nanoTime();
                HealPass p = pass(heal);
                wall[i] = System.nanoTime() - w0;
                cpu[i] = os.getProcessCpuTime() - c0;
                if (p != null && !p.acted().isEmpty()) {
                    throw new IllegalStateException("a healthy herd should need nothing, but heal acted: " + p.acted());
                }
                Thread.sleep(Math.max(0, 1000 - wall[i] / 1_000_000)); // heal's interval (1 s)
            }
            double seconds = (System.nanoTime() - span0) / 1e9;
            double rate = (real.calls() - calls0) / seconds;

            // 10 servers vanish at once, in 10 clusters.
            List<String> victims = new ArrayList<>();
            for (int c = 0; c < Math.min(10, clusters); c++) {
                victims.add("c" + c + "-" + (c % perCluster) + "-1");
            }
            long callsBefore = real.calls();
            long t0 = System.nanoTime();
            victims.forEach(cloud::remove);
            while (healed.get() < victims.size() && System.nanoTime() - t0 < Duration.ofMinutes(5).toNanos()) {
                long w0 = System.nanoTime();
                pass(heal);
                Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - w0) / 1_000_000));
            }
            double replace = (System.nanoTime() - t0) / 1e9;

            Arrays.sort(cpu);
            Arrays.sort(wall);
            System.out.printf("heal-scale benchmark: %d servers in %d clusters; cloud: 50 ms a call, budget %d requests/s, 5%% retryable failures%n",
                    herd.clusters().values().stream().mapToInt(Cluster::size).sum(), clusters, budget);
            System.out.printf("  pass over the healthy herd: CPU median %.1f ms (worst %.1f), wall median %.1f ms (worst %.1f), %d passes%n",
                    cpu[passes / 2] / 1e6, cpu[passes - 1] / 1e6, wall[passes / 2] / 1e6, wall[passes - 1] / 1e6, passes);
            System.out.printf("  steady heal, one pass a second: %.2f requests/s against a budget of %d (%s)%n", rate, budget,
                    rate <= budget ? "within it" : "OVER IT");
            System.out.printf("  10 servers gone at once: %d of %d replaced and recorded in %.1f s, %d requests%n", healed.get(), victims.size(),
                    replace, real.calls() - callsBefore);
            System.out.printf("  passes that failed on a simulated 503 (the heal loop tries again next pass): %d%n", failedPasses);
            System.out.printf("  machine: %d cores, load average %.2f%n", Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        }
    }

    private static int failedPasses;

    /** One pass, as the heal loop runs it: a cloud error fails the pass, and the next one tries again. */
    private static HealPass pass(Reconciler heal) throws Exception {
        try {
            return heal.pass();
        } catch (io.drover.spi.ProviderException e) {
            failedPasses++;
            return null;
        }
    }
}
