package io.drover.bench;

import io.drover.apply.ApplyResult;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.providers.ProviderCatalog;
import io.drover.roles.EtcdPki;
import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.testkit.EtcdWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code bin/bench migrate [RUNS]}: a real 3- and 5-member etcd cluster moved between two local providers (two address
 * ranges, two roots) RUNS times (default 5, back and forth) while a client writes, next to a rolling replacement of the
 * same cluster on one provider (a changed etcd flag): median time and longest write gap of each, and the ratio.
 */
public final class MigrateBenchmark {
    private MigrateBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf("migrate benchmark: etcd moved between two local providers, %d runs per size; load average %.2f%n",
                runs, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int size : new int[] {3, 5}) {
            run(size, runs, size == 3 ? 70 : 72);
        }
    }

    private static String herd(int size, int net, String provider, int heartbeat) {
        return """
                herd: bench-migrate-%d
                providers:
                  a: {type: local, addresses: 127.0.%d.0/24, root: .drover/site-a}
                  b: {type: local, addresses: 127.0.%d.0/24, root: .drover/site-b}
                clusters:
                  etcd:
                    size: %d
                    role: etcd
                    image: host
                    provider: %s
                    etcd:
                      flags:
                        heartbeat-interval: %d
                        election-timeout: 1000
                """.formatted(size, net, net + 1, size, provider, heartbeat);
    }

    /** Applies the herd file as it is now; the time it took. */
    private static long apply(Path file) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        StateStore store = new FileStateStore(Engine.workDir(herd));
        long t0 = System.nanoTime();
        try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, catalog.all(), store, System.getenv(), e -> {},
                Engine.Settings.DEFAULT)) {
            ApplyResult r = engine.apply(engine.plan(Planner.Options.APPLY));
            if (!r.ok()) {
                throw new IllegalStateException("apply failed: " + r.failureLines());
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void run(int size, int runs, int net) throws Exception {
        Path dir = Files.createTempDirectory("drover-bench-migrate");
        Path file = dir.resolve("drover.yaml");
        int heartbeat = 100;
        String site = "a";
        Files.writeString(file, herd(size, net, site, heartbeat));
        apply(file);
        List<Long> migrate = new ArrayList<>();
        List<Long> migrateGaps = new ArrayList<>();
        List<Long> replace = new ArrayList<>();
        List<Long> replaceGaps = new ArrayList<>();
        try {
            StateStore store = new FileStateStore(dir.resolve(".drover"));
            var state = store.read().orElseThrow();
            javax.net.ssl.SSLContext tls = EtcdPki.fromSecrets(state.secrets(), "etcd").map(EtcdPki::clientContext).orElse(null);
            List<String> endpoints = state.servers().stream().map(s -> "https://" + s.ip() + ":2379").toList();
            try (EtcdWriter writer = new EtcdWriter(endpoints, tls).start("bench/")) {
                for (int run = 0; run < runs; run++) {
                    site = site.equals("a") ? "b" : "a";
                    Files.writeString(file, herd(size, net, site, heartbeat));
                    long t0 = System.nanoTime();
                    migrate.add(apply(file));
                    migrateGaps.add(writer.longestGapMillis(t0, System.nanoTime()));
                    System.out.printf("  %d members, run %d: migrated to %s in %6d ms, longest write gap %5d ms%n",
                            size, run + 1, site, migrate.getLast(), migrateGaps.getLast());

                    heartbeat++;
                    Files.writeString(file, herd(size, net, site, heartbeat));
                    t0 = System.nanoTime();
                    replace.add(apply(file));
                    replaceGaps.add(writer.longestGapMillis(t0, System.nanoTime()));
                    System.out.printf("  %d members, run %d: rolling replace on %s in %6d ms, longest write gap %5d ms%n",
                            size, run + 1, site, replace.getLast(), replaceGaps.getLast());
                }
            }
        } finally {
            ProviderCatalog catalog = ProviderCatalog.fromClassPath();
            Herd herd = new HerdLoader(catalog.all()).load(file);
            StateStore store = new FileStateStore(Engine.workDir(herd));
            try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, catalog.all(), store, System.getenv(), e -> {},
                    Engine.Settings.DEFAULT)) {
                engine.apply(engine.plan(Planner.Options.DESTROY));
            }
        }
        long m = median(migrate);
        long r = median(replace);
        System.out.printf("%d members, %d runs: migrate median %d ms (longest write gap median %d ms, worst %d ms); rolling replace median %d ms"
                + " (gap median %d ms); migrate / replace = %.2f%n", size, runs, m, median(migrateGaps), Collections.max(migrateGaps), r,
                median(replaceGaps), (double) m / r);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
