package io.drover.bench;

import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.engine.Engine;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.state.FileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
        Path dir = Files.createTempDirectory("drover-bench-plan");
        PlanFixture fixture = PlanFixture.create(dir, resources, "");
        Herd herd = fixture.herd;
        long loadNanos = fixture.loadNanos;
        int n = fixture.resources();
        int clusters = fixture.clusters;
        FileStateStore store = new FileStateStore(dir.resolve(".drover"));
        Engine engine = new Engine(herd, fixture.factory, store, Map.of(), EventSink.NONE, Engine.Settings.DEFAULT);
        store.write(fixture.state, io.drover.state.StateVersion.NONE);

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
        // No goal is judged here: a user's `drover plan` is a fresh JVM that also reads the state and asks the provider.
        System.out.println("  measures: Planner.plan inside this one JVM (after the first run, a warm JIT), herd and state in memory;");
        System.out.println("  a user's `drover plan` is a new JVM each time, reading the file and the state: bin/bench cli times that");
        System.out.printf("  machine: %d cores, load average %.2f (other work on the machine inflates the worst case)%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
