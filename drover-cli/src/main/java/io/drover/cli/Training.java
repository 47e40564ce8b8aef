package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.providers.ProviderCatalog;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind the CLI's start-up cache (bin/drover runs it once per jar and JDK, with
 * {@code -XX:AOTCacheOutput} or {@code -XX:ArchiveClassesAtExit}): the everyday commands on a throw-away 3-member etcd
 * herd in a temporary directory, before and after it has a state, so that the JVM records the classes they load. It
 * starts no server and talks to nothing: the state records servers that were never made, and the local provider
 * finds none.
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("drover-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        try {
            Path file = dir.resolve("drover.yaml");
            Files.writeString(file, """
                    herd: training
                    provider:
                      type: local
                      addresses: 127.0.0.2-127.0.0.4
                    clusters:
                      etcd:
                        size: 3
                        role: etcd
                        image: host
                        etcd:
                          flags:
                            heartbeat-interval: 100
                    outputs:
                      etcd_endpoints: ${clusters.etcd.endpoints}
                      etcd_ca_file: ${clusters.etcd.ca_file}
                    """);
            System.setOut(none);
            System.setErr(none);
            String f = file.toString();
            run("version");
            run("--help");
            run("-f", f, "validate");
            run("-f", f, "output");
            run("-f", f, "plan");
            recordServers(file);
            for (int i = 0; i < 2; i++) { // twice: the second time with the JIT's view of the first
                run("-f", f, "output", "etcd_endpoints");
                run("-f", f, "output", "--json");
                run("-f", f, "show");
                run("-f", f, "show", "--json");
                run("-f", f, "plan");
                run("-f", f, "plan", "--json");
                run("-f", f, "validate");
            }
            run("-f", f, "render", "--server", "etcd-0-1");
            run("schema");
            run("providers");
            run("bogus");
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(dir);
        }
    }

    private static void run(String... args) {
        Main.commandLine(args).execute(args);
    }

    /** A state that records the herd's three members, as an apply would, with the PKI a plan made. */
    static void recordServers(Path file) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        FileStateStore store = new FileStateStore(Engine.workDir(herd));
        try (Engine engine = new Engine(herd, catalog.all(), store, Map.of(), EventSink.NONE, Engine.Settings.DEFAULT)) {
            State state = engine.plan(Planner.Options.APPLY).prior();
            for (int slot = 0; slot < 3; slot++) {
                state = state.with(new ServerRecord(ServerRecord.resource("etcd", slot), "etcd", slot, 1, "etcd-" + slot + "-1",
                        "training-" + slot, "127.0.0." + (2 + slot), null, null, Instant.now(), false, Map.of()));
            }
            store.write(state.nextSerial(), store.read().map(io.drover.state.StateVersion::of).orElse(io.drover.state.StateVersion.NONE));
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
