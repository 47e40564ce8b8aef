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
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.drover.render.pki.PemKeyStores;
import io.drover.roles.EtcdPki;
import io.drover.spi.Instance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training runs behind the CLI's start-up caches (bin/drover runs each once per jar and JDK, with
 * {@code -XX:AOTCacheOutput} or {@code -XX:ArchiveClassesAtExit}): the everyday commands on a throw-away 3-member etcd
 * herd in a temporary directory, before and after it has a state, so that the JVM records the classes they load. It
 * starts no server: the state records servers that were never made, and the local provider finds none; the TLS
 * health probe and member list a plan makes are tried against an HTTPS endpoint of its own on loopback.
 *
 * <p>Three caches, because a cache's classes are all loaded when the JVM starts: {@code light} for the commands that
 * only read the herd file and the state ({@link #LIGHT}), {@code look} for those that also ask the provider and the
 * servers ({@link #LOOK}), {@code full} for the others.
 */
public final class Training {
    /** The commands the light cache is for; bin/drover picks the cache by the same list. */
    static final java.util.List<String> LIGHT = java.util.List.of("version", "output", "show", "validate", "schema", "providers");
    /** The commands the look cache is for. */
    static final java.util.List<String> LOOK = java.util.List.of("plan", "status");

    /** The throw-away herd: a 3-member etcd cluster with mutual TLS, and outputs. */
    static final String HERD = """
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
            """;

    private Training() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "full";
        Path dir = Files.createTempDirectory("drover-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        try {
            Path file = dir.resolve("drover.yaml");
            Files.writeString(file, HERD);
            System.setOut(none);
            System.setErr(none);
            String f = file.toString();
            if (kind.equals("look")) {
                recordServers(file);
                for (int i = 0; i < 2; i++) {
                    run("-f", f, "plan");
                    run("-f", f, "plan", "--json");
                    run("-f", f, "status");
                    tryProbe(dir, file);
                }
                return;
            }
            if (kind.equals("light")) {
                recordServers(file);
                for (int i = 0; i < 2; i++) { // twice: the second time with the JIT's view of the first
                    run("version");
                    run("-f", f, "output", "etcd_endpoints");
                    run("-f", f, "output", "--json");
                    run("-f", f, "output", "--no-color");
                    run("-f", f, "show");
                    run("-f", f, "show", "--json");
                    run("-f", f, "validate");
                    run("schema");
                    run("providers");
                }
                return;
            }
            run("version");
            run("--help");
            run("-f", f, "validate");
            run("-f", f, "output");
            run("-f", f, "plan");
            recordServers(file);
            for (int i = 0; i < 2; i++) { // twice: the second time with the JIT's view of the first
                run("-f", f, "show");
                run("-f", f, "plan");
                run("-f", f, "plan", "--json");
                tryProbe(dir, file);
            }
            run("-f", f, "render", "--server", "etcd-0-1");
            run("bogus");
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(dir);
        }
    }

    private static void run(String... args) {
        Main.run(args);
    }

    /** A probe that fails (no loopback, say) costs the cache that part of the training, not the whole cache. */
    private static void tryProbe(Path dir, Path recorded) {
        try {
            probe(dir, recorded);
        } catch (Exception e) {
            // the commands above were recorded all the same
        }
    }

    /** What the training's member endpoint was asked. */
    record Seen(int healthChecks, int memberLists) {}

    /**
     * A plan's refresh of a TLS etcd cluster whose members run, through the engine (its probes, on the threads it
     * uses, and its member list, each with the cluster's client identity): the provider's listing is given, with
     * the recorded members running, and the first member is an HTTPS endpoint on loopback that answers as an etcd
     * member would (the others refuse). A start-up cache trained without this misses most of what a real plan runs.
     */
    static Seen probe(Path dir, Path recorded) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(recorded);
        State state = new FileStateStore(Engine.workDir(herd)).read().orElseThrow();
        EtcdPki pki = EtcdPki.fromSecrets(state.secrets(), "etcd").orElseThrow();
        ServerRecord first = state.servers().getFirst();
        java.util.concurrent.atomic.AtomicInteger health = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger lists = new java.util.concurrent.atomic.AtomicInteger();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(first.ip()), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(PemKeyStores.sslContext(pki.issueMember(first.name(), first.ip()))) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        server.createContext("/", exchange -> {
            String answer;
            if (exchange.getRequestURI().getPath().equals("/health")) {
                health.incrementAndGet();
                answer = "{\"health\":\"true\",\"reason\":\"\"}";
            } else {
                lists.incrementAndGet();
                answer = memberList(state, exchange.getLocalAddress().getPort());
            }
            byte[] body = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Path file = dir.resolve("probe.yaml");
            // The endpoint's port, and patience: both ends of this first handshake run in one cold JVM.
            Files.writeString(file, Files.readString(recorded)
                    .replace("heartbeat-interval: 100", "heartbeat-interval: 100\n      clientPort: " + port)
                    .replace("image: host", "image: host\n    health:\n      type: etcd\n      timeout: 20s"));
            Herd probed = new HerdLoader(catalog.all()).load(file);
            String provider = probed.providers().keySet().iterator().next();
            java.util.List<Instance> running = state.servers().stream().map(r -> new Instance(r.instanceId(), r.name(), r.ip(),
                    Instance.Status.RUNNING, Map.of(io.drover.spi.Tags.HERD, herd.name(), io.drover.spi.Tags.CLUSTER, r.cluster(),
                            io.drover.spi.Tags.RESOURCE, r.resource(), io.drover.spi.Tags.LINEAGE, state.lineage()), r.createdAt())).toList();
            Map<String, String> providerOf = new java.util.HashMap<>();
            running.forEach(i -> providerOf.put(i.id(), provider));
            try (Engine engine = new Engine(probed, catalog.all(), new FileStateStore(Engine.workDir(probed)), Map.of(), EventSink.NONE,
                    Engine.Settings.DEFAULT)) {
                engine.plan(Planner.Options.APPLY, Map.of(), new Engine.Listing(running, providerOf));
            }
            return new Seen(health.get(), lists.get());
        } finally {
            server.stop(0);
        }
    }

    /** The members as etcd's JSON gateway lists them. */
    private static String memberList(State state, int clientPort) {
        StringBuilder json = new StringBuilder("{\"header\":{\"cluster_id\":\"1\",\"member_id\":\"1\",\"raft_term\":\"2\"},\"members\":[");
        int id = 1;
        for (ServerRecord r : state.servers()) {
            json.append(id > 1 ? "," : "").append("{\"ID\":\"").append(id++).append("\",\"name\":\"").append(r.name())
                    .append("\",\"peerURLs\":[\"https://").append(r.ip()).append(":2380\"],\"clientURLs\":[\"https://")
                    .append(r.ip()).append(':').append(clientPort).append("\"]}");
        }
        return json.append("]}").toString();
    }

    /** A state that records the herd's three members, as an apply would, with the PKI a plan made. */
    static void recordServers(Path file) throws Exception {
        recordServers(file, Instant.now());
    }

    /** The same, with servers made at {@code createdAt} (a test that compares two runs wants ages that stay put). */
    static void recordServers(Path file, Instant createdAt) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        FileStateStore store = new FileStateStore(Engine.workDir(herd));
        try (Engine engine = new Engine(herd, catalog.all(), store, Map.of(), EventSink.NONE, Engine.Settings.DEFAULT)) {
            State state = engine.plan(Planner.Options.APPLY).prior();
            for (int slot = 0; slot < 3; slot++) {
                state = state.with(new ServerRecord(ServerRecord.resource("etcd", slot), "etcd", slot, 1, "etcd-" + slot + "-1",
                        "training-" + slot, "127.0.0." + (2 + slot), null, null, createdAt, false, Map.of()));
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
