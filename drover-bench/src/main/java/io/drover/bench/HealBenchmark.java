package io.drover.bench;

import io.drover.testkit.EtcdWriter;
import io.drover.apply.ApplyResult;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.heal.ReplacementBackoff;
import io.drover.heal.HealEvent;
import io.drover.heal.HealMetrics;
import io.drover.heal.HealOptions;
import io.drover.heal.Reconciler;
import io.drover.health.HealthProbe;
import io.drover.plan.Planner;
import io.drover.provider.local.LocalProvider;
import io.drover.providers.ProviderCatalog;
import io.drover.roles.EtcdPki;
import io.drover.spi.Instance;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code bin/bench heal [TRIALS]}: kill -9 a random member of a real etcd cluster on the local provider (3 and 5
 * members, TRIALS times each, default 10) while a client keeps writing, with {@code drover heal}'s reconciler
 * running, and report time to detect (kill to decision), time to full strength (kill to every member healthy at
 * the right count) and write unavailability (longest gap between acknowledged writes): median and worst.
 */
public final class HealBenchmark {
    /** etcd refuses a member add until the leader has seen every voter for 5 s; real failures are further apart. */
    private static final Duration SETTLE = Duration.ofSeconds(6);

    private HealBenchmark() {}

    public static void main(String[] args) throws Exception {
        // The etcd client's Netty logs every refused connection to a killed member, with a stack trace.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf("heal benchmark: kill -9 of a random etcd member, %d trials per size, local provider%n", trials);
        // Say how this differs from `drover heal`, so the figures are not read as what a user's heal process does.
        System.out.println("  measures: the heal reconciler inside this benchmark's JVM with no replacement backoff (ReplacementBackoff.NONE);");
        System.out.println("  `drover heal` runs in its own JVM (C1 only, start-up cache) and waits 5 s before replacing the same slot again");
        for (int size : new int[] {3, 5}) {
            run(size, trials, "127.0.9" + (size == 3 ? 6 : 7) + ".0/24");
        }
    }

    private static void run(int size, int trials, String addresses) throws Exception {
        Path dir = Files.createTempDirectory("drover-bench-heal");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: bench-heal-%d
                provider:
                  type: local
                  addresses: %s
                clusters:
                  etcd:
                    size: %d
                    role: etcd
                    image: host
                    etcd:
                      flags:
                        heartbeat-interval: 100
                        election-timeout: 1000
                """.formatted(size, addresses, size));
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        ProviderFactory factory = catalog.find("local").orElseThrow();
        StateStore store = new FileStateStore(Engine.workDir(herd));
        try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT)) {
            ApplyResult r = engine.apply(engine.plan(Planner.Options.APPLY));
            if (!r.ok()) {
                throw new IllegalStateException("bring-up failed: " + r.failures());
            }
        }
        List<HealEvent> events = new CopyOnWriteArrayList<>();
        List<Long> detect = new ArrayList<>();
        List<Long> full = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        Random random = new Random(size);
        try (Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT);
                HealthProbe probe = engine.healthProbe();
                LocalProvider provider = (LocalProvider) factory.open(new ProviderContext(herd.name(), herd.provider().settings(),
                        Engine.workDir(herd), System.getenv()));
                Reconciler reconciler = new Reconciler(herd, factory, store, System.getenv(), HealOptions.DEFAULT.withBackoff(ReplacementBackoff.NONE),
                        new HealMetrics(), events::add)) {
            Thread loop = Thread.ofPlatform().name("heal").start(() -> {
                try {
                    reconciler.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String scheme = herd.clusters().get("etcd").etcd().scheme();
            javax.net.ssl.SSLContext tls = EtcdPki.fromSecrets(store.read().orElseThrow().secrets(), "etcd").map(EtcdPki::clientContext).orElse(null);
            List<String> endpoints = store.read().orElseThrow().servers().stream().map(s -> scheme + "://" + s.ip() + ":2379").toList();
            try (EtcdWriter writer = new EtcdWriter(endpoints, tls).start("bench/")) {
                for (int t = 0; t < trials; t++) {
                    Thread.sleep(SETTLE.toMillis());
                    List<ServerRecord> servers = store.read().orElseThrow().servers();
                    ServerRecord victim = servers.get(random.nextInt(servers.size()));
                    OptionalLong pgid = provider.processGroup(victim.instanceId());
                    if (pgid.isEmpty() || pgid.getAsLong() <= 1) {
                        throw new IllegalStateException("no process group for " + victim.name());
                    }
                    long t0 = System.nanoTime();
                    long wall0 = System.currentTimeMillis();
                    Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).start();
                    if (kill.waitFor() != 0) {
                        throw new IllegalStateException("kill failed for " + victim.name());
                    }
                    long deadline = t0 + Duration.ofSeconds(120).toNanos();
                    while (!whole(store, herd, probe, size, victim.name())) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("not healed within 120 s; events: " + events);
                        }
                        Thread.sleep(20);
                    }
                    long tFull = System.nanoTime();
                    full.add((tFull - t0) / 1_000_000);
                    gaps.add(writer.longestGapMillis(t0, tFull));
                    events.stream().filter(e -> e.kind() == HealEvent.Kind.DETECTED && victim.name().equals(e.server()))
                            .findFirst().ifPresent(e -> detect.add(e.time().toEpochMilli() - wall0));
                    System.out.printf("  %d members, trial %2d: killed %-10s detected %5d ms, full strength %5d ms, longest write gap %5d ms%n",
                            size, t + 1, victim.name(), detect.isEmpty() ? -1 : detect.get(detect.size() - 1), full.getLast(), gaps.getLast());
                    events.clear();
                }
            }
            reconciler.stop();
            reconciler.awaitStopped(Duration.ofSeconds(90));
            loop.join(1000);
        } finally {
            try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT)) {
                engine.apply(engine.plan(Planner.Options.DESTROY));
            }
        }
        System.out.printf("%d members, %d trials:%n", size, trials);
        report("time to detect", detect);
        report("time to full strength", full);
        report("write unavailability (longest gap)", gaps);
    }

    private static boolean whole(StateStore store, Herd herd, HealthProbe probe, int size, String victim) throws Exception {
        List<ServerRecord> servers = store.read().orElseThrow().servers();
        if (servers.size() != size || servers.stream().anyMatch(s -> s.tainted() || s.name().equals(victim))) {
            return false;
        }
        for (ServerRecord s : servers) {
            Instance i = new Instance(s.instanceId(), s.name(), s.ip(), Instance.Status.RUNNING, Map.of(), s.createdAt());
            if (!probe.check(herd.clusters().get(s.cluster()), i).isUp()) {
                return false;
            }
        }
        return true;
    }

    private static void report(String what, List<Long> millis) {
        if (millis.isEmpty()) {
            System.out.printf("  %-36s no data%n", what);
            return;
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2) : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        System.out.printf("  %-36s median %6d ms   worst %6d ms%n", what, median, sorted.getLast());
    }
}
