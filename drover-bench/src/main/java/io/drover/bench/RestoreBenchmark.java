package io.drover.bench;

import io.drover.apply.ApplyResult;
import io.drover.backup.BackupTaker;
import io.drover.backup.ClusterAccess;
import io.drover.backup.EtcdClients;
import io.drover.backup.FullSnapshot;
import io.drover.backup.Restorer;
import io.drover.backup.Snapshots;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code bin/bench restore [KEYS] [DELTAS]}: a 3-member etcd cluster on the local provider filled with KEYS keys of
 * 1,000 bytes (default 100,000: 100 MB), restored by {@link Restorer} (what {@code drover restore} runs) from a full
 * snapshot alone, then from a full snapshot plus DELTAS deltas (default 1,000), each of one put. Prints each time, and
 * the time of each phase (read and check, destroy, create, copy and check).
 */
public final class RestoreBenchmark {
    private static final int VALUE_BYTES = 1000;

    private RestoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int deltas = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path dir = Files.createTempDirectory("drover-bench-restore");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: bench-restore
                provider:
                  type: local
                  addresses: 127.0.185.0/24
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: host
                    etcd:
                      backup: {full: 1h, delta: 1s, keep: 10}
                      flags:
                        heartbeat-interval: 100
                        election-timeout: 1000
                        quota-backend-bytes: 4294967296
                """);
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        Cluster cluster = herd.clusters().get("etcd");
        ProviderFactory factory = catalog.find("local").orElseThrow();
        StateStore store = new FileStateStore(Engine.workDir(herd));
        Snapshots snapshots = Snapshots.of(herd.name(), cluster);
        System.out.printf("restore benchmark: 3 members, %,d keys of %,d bytes, local provider%n", keys, VALUE_BYTES);
        try (StateLock lock = store.lock("bench"); Engine engine = new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT)) {
            ApplyResult r = engine.apply(engine.plan(Planner.Options.APPLY));
            if (!r.ok()) {
                throw new IllegalStateException("bring-up failed: " + r.failures());
            }
            long t0 = System.nanoTime();
            fill(engine, cluster, keys);
            System.out.printf("  filled in %.1f s%n", seconds(t0));

            FullSnapshot full = fullSnapshot(engine, cluster, snapshots, herd);
            System.out.printf("  full snapshot: %,d bytes, %,d keys%n", full.size(), full.keys());
            double alone = restore(engine, store, cluster, snapshots, "full snapshot alone");

            FullSnapshot again = fullSnapshot(engine, cluster, snapshots, herd);
            t0 = System.nanoTime();
            try (BackupTaker taker = BackupTaker.of(ClusterAccess.members(cluster, engine.state()).clientUrls().getFirst(),
                    ClusterAccess.pki(cluster, engine.state()), snapshots, herd.name(), Clock.systemUTC());
                    BackupTaker.Recorder recorder = taker.record(again);
                    Client client = client(engine, cluster)) {
                byte[] value = new byte[VALUE_BYTES];
                for (int i = 0; i < deltas; i++) {
                    client.getKVClient().put(ByteSequence.from("delta/" + i, StandardCharsets.UTF_8), ByteSequence.from(value)).get();
                    while (recorder.flush() == null) {
                        Thread.sleep(1); // the watch delivers the put a moment after it is acknowledged
                    }
                }
            }
            System.out.printf("  %,d deltas written in %.1f s%n", deltas, seconds(t0));
            double withDeltas = restore(engine, store, cluster, snapshots, "full snapshot + " + deltas + " deltas");
            System.out.printf("restore of %,d keys (%,d MB): full snapshot alone %.1f s; full snapshot + %,d deltas %.1f s%n", keys,
                    (long) keys * VALUE_BYTES / 1_000_000, alone, deltas, withDeltas);
            engine.apply(engine.plan(Planner.Options.DESTROY));
        }
    }

    private static FullSnapshot fullSnapshot(Engine engine, Cluster cluster, Snapshots snapshots, Herd herd) throws Exception {
        try (BackupTaker taker = BackupTaker.of(ClusterAccess.members(cluster, engine.state()).clientUrls().getFirst(),
                ClusterAccess.pki(cluster, engine.state()), snapshots, herd.name(), Clock.systemUTC())) {
            return taker.full();
        }
    }

    private static double restore(Engine engine, StateStore store, Cluster cluster, Snapshots snapshots, String what) throws Exception {
        long t0 = System.nanoTime();
        Restorer restorer = new Restorer(engine, store, Path.of("/usr/bin"),
                line -> System.out.printf("    %6.1f s  %s%n", seconds(t0), line));
        Restorer.Result r = restorer.restore(cluster, snapshots, Restorer.Choice.NEWEST);
        double s = seconds(t0);
        System.out.printf("  %s: %,d keys restored in %.1f s (%d deltas)%n", what, r.keys(), s, r.deltas());
        return s;
    }

    private static void fill(Engine engine, Cluster cluster, int keys) throws Exception {
        Random random = new Random(1);
        try (Client client = client(engine, cluster)) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                ops.add(Op.put(ByteSequence.from(String.format("key/%07d", i), StandardCharsets.UTF_8), ByteSequence.from(value), PutOption.DEFAULT));
                if (ops.size() == 100 || i == keys - 1) {
                    client.getKVClient().txn().Then(ops.toArray(Op[]::new)).commit().get();
                    ops.clear();
                }
            }
        }
    }

    private static Client client(Engine engine, Cluster cluster) throws Exception {
        return EtcdClients.of(ClusterAccess.members(cluster, engine.state()).clientUrls().getFirst(), ClusterAccess.pki(cluster, engine.state()));
    }

    private static double seconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis() / 1000.0;
    }
}
