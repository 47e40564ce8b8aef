package io.drover.bench;

import io.drover.apply.ApplyResult;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
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
import io.drover.testkit.EtcdWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/bench heal [TRIALS]}: kill -9 a random voting member of a real 3-member etcd cluster on the local
 * provider, TRIALS times (default 10), while a client keeps writing and {@code bin/drover heal} runs as users run it
 * (its own JVM and flags, its backoff); without a spare, with {@code spares: 1}, and with {@code spares: 1} and
 * docs/heal.md's "fast failover with a spare" settings (health every 100 ms, 300 ms timeout, 2 failures; etcd
 * election-timeout 500 ms), side by side. Reports time to detect (kill to heal's decision: its first event about the
 * victim), time to full strength (kill to three healthy voting members, as etcd lists them) and write unavailability
 * (longest gap between acknowledged writes): median and worst.
 */
public final class HealBenchmark {
    /**
     * etcd refuses a member add until the leader has seen every voter for 5 s, and heal waits 5 s before replacing the
     * same slot again: real failures are further apart.
     */
    private static final Duration SETTLE = Duration.ofSeconds(12);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HealBenchmark() {}

    /** The figures of one configuration. */
    private record Figures(List<Long> detect, List<Long> full, List<Long> gaps) {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path home = Path.of(System.getProperty("drover.home", "."));
        System.out.printf("heal benchmark: kill -9 of a random voting member of a 3-member etcd, %d trials each, local provider, load %s%n",
                trials, CliBenchmark.load());
        System.out.println("  measures: bin/drover heal as a process of its own (its JVM flags, its 5 s replacement backoff)");
        Map<String, Figures> figures = new LinkedHashMap<>();
        figures.put("spares: 0", run(home, 0, trials, "127.0.218.0/24", false));
        figures.put("spares: 1", run(home, 1, trials, "127.0.219.0/24", false));
        figures.put("spares: 1, fast failover", run(home, 1, trials, "127.0.243.0/24", true));
        System.out.printf("%n3 members, %d trials each, median / worst (fast failover: docs/heal.md's health and etcd settings)%n", trials);
        System.out.printf("  %-36s %-24s %-24s %-24s%n", "", "spares: 0", "spares: 1", "spares: 1, fast failover");
        row("time to detect", figures, Figures::detect);
        row("time to full strength", figures, Figures::full);
        row("write unavailability (longest gap)", figures, Figures::gaps);
    }

    /** @param fast with docs/heal.md's "fast failover with a spare" settings, else the defaults */
    private static Figures run(Path home, int spares, int trials, String addresses, boolean fast) throws Exception {
        Path dir = Files.createTempDirectory("drover-bench-heal");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: bench-heal-spares-%d%s
                provider:
                  type: local
                  addresses: %s
                clusters:
                  etcd:
                    size: 3
                    spares: %d
                    role: etcd
                    image: host
                %s    etcd:
                      flags:
                        heartbeat-interval: 100
                        election-timeout: %d
                """.formatted(spares, fast ? "-fast" : "", addresses, spares,
                fast ? "    health:\n      interval: 100ms\n      timeout: 300ms\n      failures: 2\n" : "", fast ? 500 : 1000));
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
        Figures figures = new Figures(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Random random = new Random(spares);
        Path log = dir.resolve("heal.log");
        Process heal = new ProcessBuilder(home.resolve("bin/drover").toString(), "-f", file.toString(), "heal", "--json")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT);
                HealthProbe probe = engine.healthProbe();
                LocalProvider provider = (LocalProvider) factory.open(new ProviderContext(herd.name(), herd.provider().settings(),
                        Engine.workDir(herd), System.getenv()))) {
            String scheme = herd.clusters().get("etcd").etcd().scheme();
            javax.net.ssl.SSLContext tls = EtcdPki.fromSecrets(store.read().orElseThrow().secrets(), "etcd").map(EtcdPki::clientContext).orElse(null);
            List<String> endpoints = store.read().orElseThrow().servers().stream().filter(s -> !s.spare())
                    .map(s -> scheme + "://" + s.ip() + ":2379").toList();
            try (EtcdWriter writer = new EtcdWriter(endpoints, tls).start("bench/")) {
                for (int t = 0; t < trials; t++) {
                    Thread.sleep(SETTLE.toMillis());
                    List<ServerRecord> members = store.read().orElseThrow().servers().stream().filter(s -> !s.spare()).toList();
                    ServerRecord victim = members.get(random.nextInt(members.size()));
                    OptionalLong pgid = provider.processGroup(victim.instanceId());
                    if (pgid.isEmpty() || pgid.getAsLong() <= 1) {
                        throw new IllegalStateException("no process group for " + victim.name());
                    }
                    long t0 = System.nanoTime();
                    Instant wall0 = Instant.now();
                    Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).start();
                    if (kill.waitFor() != 0) {
                        throw new IllegalStateException("kill failed for " + victim.name());
                    }
                    long deadline = t0 + Duration.ofSeconds(120).toNanos();
                    while (!fullStrength(store, herd, probe, writer, victim.name())) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("not healed within 120 s; heal said:\n" + Files.readString(log));
                        }
                        Thread.sleep(20);
                    }
                    long tFull = System.nanoTime();
                    figures.full().add((tFull - t0) / 1_000_000);
                    figures.gaps().add(writer.longestGapMillis(t0, tFull));
                    detected(log, victim.name(), wall0).ifPresent(ms -> figures.detect().add(ms));
                    System.out.printf("  spares: %d%s, trial %2d: killed %-10s detected %5s ms, full strength %5d ms, longest write gap %5d ms%n",
                            spares, fast ? " (fast)" : "", t + 1, victim.name(), figures.detect().size() > t ? figures.detect().getLast() : "?", figures.full().getLast(),
                            figures.gaps().getLast());
                }
            }
        } finally {
            heal.destroy(); // SIGTERM: heal resigns and stops after the pass in progress
            if (!heal.waitFor(100, TimeUnit.SECONDS)) {
                heal.destroyForcibly();
            }
            try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT)) {
                engine.apply(engine.plan(Planner.Options.DESTROY));
            }
        }
        return figures;
    }

    /** Three voting members as etcd lists them, none the victim, each healthy. */
    private static boolean fullStrength(StateStore store, Herd herd, HealthProbe probe, EtcdWriter writer, String victim) throws Exception {
        List<String> listed = writer.members();
        if (listed == null) {
            return false;
        }
        List<String> voters = listed.stream().filter(n -> !n.endsWith(")") && !n.startsWith("(")).toList();
        if (voters.size() != 3 || voters.contains(victim)) {
            return false;
        }
        List<ServerRecord> servers = store.read().orElseThrow().servers();
        for (String name : voters) {
            Optional<ServerRecord> s = servers.stream().filter(r -> r.name().equals(name)).findFirst();
            if (s.isEmpty()) {
                return false;
            }
            Instance i = new Instance(s.get().instanceId(), name, s.get().ip(), Instance.Status.RUNNING, Map.of(), s.get().createdAt());
            if (!probe.check(herd.clusters().get("etcd"), i).isUp()) {
                return false;
            }
        }
        return true;
    }

    /** Kill to heal's decision, from its {@code detected} event for the victim. */
    private static Optional<Long> detected(Path log, String victim, Instant killed) throws Exception {
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode e = JSON.readTree(line);
            // Heal's first word on the victim: its decision, or (with a spare) the promotion it starts before it plans,
            // whose 'detected' event may come after the cluster is at full strength.
            String type = e.path("type").asString("");
            Instant at = Instant.parse(e.path("time").asString());
            // Not before the kill: the victim may be a promoted spare, whose own making heal reported earlier.
            if (("detected".equals(type) || "step".equals(type)) && victim.equals(e.path("server").asString("")) && !at.isBefore(killed)) {
                return Optional.of(Duration.between(killed, at).toMillis());
            }
        }
        return Optional.empty();
    }

    private static void row(String what, Map<String, Figures> figures, java.util.function.Function<Figures, List<Long>> pick) {
        StringBuilder line = new StringBuilder(String.format("  %-36s", what));
        for (Figures f : figures.values()) {
            line.append(String.format(" %-24s", summary(pick.apply(f))));
        }
        System.out.println(line);
    }

    private static String summary(List<Long> millis) {
        if (millis.isEmpty()) {
            return "no data";
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2) : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("%d / %d ms", median, sorted.getLast());
    }
}
