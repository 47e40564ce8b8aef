package io.drover.bench;

import io.drover.apply.EventSink;
import io.drover.config.StateSettings;
import io.drover.engine.Engine;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.state.StateCodec;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.state.StateVersion;
import io.drover.testkit.EtcdServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/bench state [RESOURCES]}: plan time of the plan benchmark's herd (default 10,000 servers, up to
 * date) with its state in etcd (a real single-member etcd on this machine) against the state in a local file,
 * unencrypted and encrypted, and the ratios. Every plan reads the whole state, so this is the price of sharing
 * it. Then what a passphrase adds to a whole {@code bin/drover output} process ({@link PassphraseCost}).
 */
public final class StateBenchmark {
    private static final int WARMUP = 3;
    private static final int RUNS = 10;
    private static final String KEY_VARIABLE = "DROVER_BENCH_KEY";
    private static final int OUTPUT_RUNS = 9;

    private StateBenchmark() {}

    public static void main(String[] args) throws Exception {
        int resources = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("drover-bench-state");
        PlanFixture fixture = PlanFixture.create(dir, resources, "");
        Map<String, String> env = Map.of(KEY_VARIABLE, Base64.getEncoder().encodeToString(new byte[32]));
        StateSettings file = fixture.herd.state();
        StateSettings.Encryption key = new StateSettings.Encryption(new StateSettings.KeyEnv(KEY_VARIABLE), null);
        System.out.printf("state benchmark: plan of %d resources in %d clusters, state in a file vs in etcd (provider answers from memory)%n",
                fixture.resources(), fixture.clusters);
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"))) {
            StateSettings inEtcd = file.withBackend(StateSettings.Backend.ETCD).withEndpoints(List.of(URI.create(etcd.endpoint())));
            List<Setup> setups = new ArrayList<>();
            try {
                setups.add(Setup.open("file, unencrypted", fixture, file, env, dir.resolve("plain")));
                setups.add(Setup.open("etcd, unencrypted", fixture, inEtcd.withPrefix("/bench/plain"), env, dir));
                setups.add(Setup.open("file, AES-256-GCM", fixture, file.withEncryption(key), env, dir.resolve("encrypted")));
                setups.add(Setup.open("etcd, AES-256-GCM", fixture, inEtcd.withPrefix("/bench/encrypted").withEncryption(key), env, dir));
                // Interleaved rounds, so that JIT warm-up and the machine's load drift weigh on every setup alike.
                for (int round = -WARMUP; round < RUNS; round++) {
                    for (Setup setup : setups) {
                        setup.plan(round);
                    }
                }
                for (Setup setup : setups) {
                    setup.print();
                }
                System.out.printf("  ratio etcd / file (medians): %.2fx unencrypted, %.2fx encrypted%n",
                        setups.get(1).median() / setups.get(0).median(), setups.get(3).median() / setups.get(2).median());
            } finally {
                for (Setup setup : setups) {
                    setup.close();
                }
            }
        }
        PassphraseCost.run(Path.of(System.getProperty("drover.home", ".")).toAbsolutePath(), OUTPUT_RUNS);
        System.out.printf("  machine: %d cores, load average %.2f (other work on the machine inflates the figures)%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** One way of keeping the state, with an engine planning against it. */
    private record Setup(String what, StateStore store, Engine engine, int size, long[] nanos) implements AutoCloseable {
        static Setup open(String what, PlanFixture fixture, StateSettings settings, Map<String, String> env, Path workDir) throws Exception {
            StateCodec codec = StateStores.codec(fixture.herd, settings, env, false);
            StateStore store = StateStores.open(fixture.herd.name(), workDir.resolve(".drover"), settings, codec);
            store.write(fixture.state, StateVersion.NONE);
            Engine engine = new Engine(fixture.herd, fixture.factory, store, env, EventSink.NONE, Engine.Settings.DEFAULT);
            return new Setup(what, store, engine, codec.encode(fixture.state).length, new long[RUNS]);
        }

        /** One plan; rounds below zero are warm-up. */
        void plan(int round) throws Exception {
            long start = System.nanoTime();
            Plan plan = engine.plan(Planner.Options.APPLY);
            if (plan.hasChanges()) {
                throw new IllegalStateException("the benchmark herd should be up to date, but the plan has changes");
            }
            if (round >= 0) {
                nanos[round] = System.nanoTime() - start;
            }
        }

        double median() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return sorted[RUNS / 2] / 1e6;
        }

        void print() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            System.out.printf("  %-18s state %4.1f MiB  plan median %7.1f ms, best %7.1f ms (%d runs)%n", what,
                    size / 1048576.0, median(), sorted[0] / 1e6, RUNS);
        }

        @Override
        public void close() {
            engine.close();
            store.close();
        }
    }
}
