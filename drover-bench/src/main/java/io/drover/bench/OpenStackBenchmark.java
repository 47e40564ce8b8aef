package io.drover.bench;

import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/**
 * {@code bin/bench openstack [SERVERS]}: wall time to create and then destroy SERVERS (default 30) plain m1.tiny
 * servers on the OpenStack cloud that {@code OS_CLOUD} (or the {@code OS_*} variables) names, once with
 * parallelism 1 and once with the CLI's default, in one run, and their ratio. It drives the engine exactly as
 * {@code drover apply} / {@code drover destroy} do (same planner, applier and provider).
 *
 * <p>The servers are {@code role: plain} with {@code health: process}: healthy means ACTIVE, so the figure is the
 * cloud's and Drover's, not a guest's boot time (the all-in-one test cloud runs no guests).
 */
public final class OpenStackBenchmark {
    private OpenStackBenchmark() {}

    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Map<String, String> env = System.getenv();
        if (env.getOrDefault("OS_CLOUD", "").isBlank() && env.getOrDefault("OS_AUTH_URL", "").isBlank()) {
            System.err.println("bin/bench openstack: no cloud configured; set OS_CLOUD (e.g. OS_CLOUD=aio) or the OS_* variables");
            System.exit(2);
        }
        int defaultParallelism = Engine.Settings.DEFAULT.parallelism();

        Timing serial = run(servers, 1, env);
        Timing parallel = run(servers, defaultParallelism, env);

        System.out.printf("openstack: %d servers (m1.tiny, role plain, no anti-affinity), create then destroy%n", servers);
        System.out.printf("parallelism %2d: create %6.1f s  destroy %6.1f s  total %6.1f s%n", 1,
                seconds(serial.create()), seconds(serial.destroy()), seconds(serial.total()));
        System.out.printf("parallelism %2d: create %6.1f s  destroy %6.1f s  total %6.1f s%n", defaultParallelism,
                seconds(parallel.create()), seconds(parallel.destroy()), seconds(parallel.total()));
        System.out.printf("ratio (parallelism 1 / %d): create %.2fx  destroy %.2fx  total %.2fx%n", defaultParallelism,
                ratio(serial.create(), parallel.create()), ratio(serial.destroy(), parallel.destroy()),
                ratio(serial.total(), parallel.total()));
    }

    record Timing(Duration create, Duration destroy) {
        Duration total() {
            return create.plus(destroy);
        }
    }

    /** Creates and destroys one fresh herd (a name of its own, so runs never meet) with the given parallelism. */
    private static Timing run(int servers, int parallelism, Map<String, String> env) throws Exception {
        byte[] suffix = new byte[3];
        new Random().nextBytes(suffix);
        String name = "bench-" + parallelism + "-" + HexFormat.of().formatHex(suffix);
        Path dir = Files.createTempDirectory("drover-bench-openstack");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: %s
                provider:
                  type: openstack
                  network: private
                clusters:
                  node:
                    size: %d
                    role: plain
                    image: tiny
                    provider:
                      flavor: m1.tiny
                    health:
                      type: process
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/motd
                            contents:
                              inline: "${server.name}\\n"
                """.formatted(name, servers));
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        ProviderFactory factory = catalog.find("openstack").orElseThrow(() -> new IllegalStateException("no openstack provider"));
        Engine.Settings settings = new Engine.Settings(parallelism, Engine.Settings.DEFAULT.membershipDeadline());
        try (Engine engine = new Engine(herd, factory, new FileStateStore(Engine.workDir(herd)), env, EventSink.NONE, settings)) {
            long t0 = System.nanoTime();
            ApplyResult created;
            try {
                created = engine.apply(engine.plan(Planner.Options.APPLY));
            } catch (Exception e) {
                engine.apply(engine.plan(Planner.Options.DESTROY)); // leave nothing behind
                throw e;
            }
            long t1 = System.nanoTime();
            // Destroyed even when some creates failed, so the benchmark leaves nothing behind.
            ApplyResult destroyed = engine.apply(engine.plan(Planner.Options.DESTROY));
            long t2 = System.nanoTime();
            check("create", created);
            check("destroy", destroyed);
            return new Timing(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
        }
    }

    private static void check(String what, ApplyResult result) {
        if (!result.ok()) {
            throw new IllegalStateException(what + " failed: " + String.join("; ", result.failureLines()));
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static double ratio(Duration serial, Duration parallel) {
        return (double) serial.toNanos() / parallel.toNanos();
    }
}
