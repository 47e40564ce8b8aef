package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.provider.local.LocalProvider;
import io.drover.provider.local.LocalServers;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The runs behind the CLI's start-up caches, made by the build ({@code bin/start-cache}, at {@code ./mvnw package}, with
 * {@code -XX:AOTCacheOutput} or {@code -XX:ArchiveClassesAtExit}): a kind of command on a throw-away 3-member etcd herd in
 * a temporary directory, so that the JVM records the classes they load. It starts no server: the state (recorded by
 * another JVM) lists servers that were never made, and a plan's refresh is trained against an HTTPS endpoint of its own
 * on loopback that answers as a running member.
 *
 * <p>Every command trained must end as it would for a user: one that fails (an exception, an unexpected exit code)
 * fails the training, and with it the build, rather than leave a cache that misses what the command really loads.
 *
 * <p>A cache per everyday command, because a cache's classes are all loaded when the JVM starts, so that a cache
 * holding more than its command loads slows the command down: {@link #OWN_CACHE} lists them, and {@code full} serves
 * the others.
 */
public final class Training {
    /** The commands with a start-up cache of their own, trained on that command alone; bin/drover picks by the same list. */
    static final List<String> OWN_CACHE = List.of("version", "output", "show", "validate", "plan", "status");

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

    /** A command line trained, and the exit code it must end with. */
    record Step(int exitCode, String... args) {}

    /** A trained command ended otherwise than it does for a user. */
    static final class TrainingFailed extends Exception {
        TrainingFailed(String message) {
            super(message);
        }
    }

    private Training() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "full";
        if (kind.equals("record") && args.length == 2) {
            recordServers(Path.of(args[1])); // in the child JVM of recordInChild
            return;
        }
        if (kind.equals("member") && args.length == 2) {
            serveMember(Path.of(args[1])); // in the child JVM of probe
            return;
        }
        train(kind);
    }

    /** The commands of {@code kind} on a throw-away herd, twice (the second time with the JIT's view of the first). */
    static void train(String kind) throws Exception {
        Path dir = Files.createTempDirectory("drover-training");
        try {
            Path file = dir.resolve("drover.yaml");
            Files.writeString(file, HERD);
            if (!kind.equals("version") && !kind.equals("validate")) {
                recordInChild(file);
            }
            for (int i = 0; i < 2; i++) {
                for (Step step : steps(kind, file.toString())) {
                    run(step);
                }
                if (kind.equals("plan") || kind.equals("full")) {
                    probe(dir, file);
                }
            }
        } finally {
            delete(dir);
        }
    }

    /** What a kind of cache is trained with. */
    static List<Step> steps(String kind, String f) {
        return switch (kind) {
            case "version" -> List.of(new Step(ExitCodes.OK, "version"));
            case "output" -> List.of(new Step(ExitCodes.OK, "-f", f, "output", "etcd_endpoints"),
                    new Step(ExitCodes.OK, "-f", f, "output", "--json"), new Step(ExitCodes.OK, "-f", f, "output", "--no-color"));
            case "show" -> List.of(new Step(ExitCodes.OK, "-f", f, "show"), new Step(ExitCodes.OK, "-f", f, "show", "--json"));
            case "validate" -> List.of(new Step(ExitCodes.OK, "-f", f, "validate"), new Step(ExitCodes.OK, "-f", f, "validate", "--json"));
            case "plan" -> List.of(new Step(ExitCodes.OK, "-f", f, "plan"), new Step(ExitCodes.OK, "-f", f, "plan", "--json"));
            case "status" -> List.of(new Step(ExitCodes.OK, "-f", f, "status"), new Step(ExitCodes.OK, "-f", f, "status", "--json"));
            case "full" -> List.of(new Step(ExitCodes.OK, "--help"), new Step(ExitCodes.OK, "schema"), new Step(ExitCodes.OK, "providers"),
                    new Step(ExitCodes.OK, "-f", f, "plan", "--help"), new Step(ExitCodes.OK, "-f", f, "show"),
                    new Step(ExitCodes.OK, "-f", f, "plan", "--destroy"), new Step(ExitCodes.OK, "-f", f, "render", "--server", "etcd-0-1"),
                    new Step(ExitCodes.INVALID_OR_CHANGES, "bogus")); // an unknown command: picocli's suggestion, as users meet it
            default -> throw new IllegalArgumentException("no training for '" + kind + "' (known: " + OWN_CACHE + " and full)");
        };
    }

    /** One command, its output kept (not shown) and told only if it ends otherwise than {@code step} says. */
    static void run(Step step) throws TrainingFailed {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(said, true, StandardCharsets.UTF_8);
        int exit;
        try {
            System.setOut(capture);
            System.setErr(capture);
            exit = Main.run(step.args());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (exit != step.exitCode()) {
            throw new TrainingFailed("training: 'drover " + String.join(" ", step.args()) + "' exited " + exit + ", not "
                    + step.exitCode() + ":\n" + said.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Records the servers from another JVM: making the state makes the herd's CA (BouncyCastle, the state writer),
     * which the commands trained here never use, and every class this JVM loads goes into the cache.
     */
    private static void recordInChild(Path file) throws IOException, InterruptedException {
        Process child = child("record", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (child.waitFor() != 0) {
            throw new IOException("recording the training's servers failed (exit " + child.exitValue() + ")");
        }
    }

    /** A JVM running this class's main with {@code args}; its errors go where this JVM's go. */
    private static ProcessBuilder child(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                Training.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** What the training's member endpoint was asked. */
    record Seen(int healthChecks, int memberLists) {}

    /**
     * A plan's refresh of a TLS etcd cluster whose members run, through the engine (the local provider's listing, its
     * probes, on the threads it uses, and its member list, each with the cluster's client identity): the recorded
     * members have stand-in server directories, run by this JVM as far as the provider can tell, and the first member
     * is an HTTPS endpoint on loopback that answers as an etcd member would (the others refuse). A start-up cache
     * trained without this misses most of what a real plan runs. The endpoint runs in a child JVM: its server side
     * (the HTTP server, the member's certificate made with BouncyCastle) is nothing a command runs, and every class
     * this JVM loads goes into the cache. Without the probe, plan took 850 vs 666 ms (15 alternating whole bin/drover runs
     * on a 3-member local herd, quiet 2-core machine).
     */
    static Seen probe(Path dir, Path recorded) throws Exception {
        Process member = child("member", recorded.toString()).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        try (java.io.BufferedReader answers = member.inputReader(java.nio.charset.StandardCharsets.UTF_8)) {
            String port = answers.readLine();
            if (port == null) {
                throw new IOException("the training's member endpoint did not start (exit " + member.waitFor() + ")");
            }
            ProviderCatalog catalog = ProviderCatalog.fromClassPath();
            Herd herd = new HerdLoader(catalog.all()).load(recorded);
            State state = new FileStateStore(Engine.workDir(herd)).read().orElseThrow();
            Path file = dir.resolve("probe.yaml");
            // The endpoint's port, and patience: both ends of this first handshake run on cold JVMs.
            Files.writeString(file, Files.readString(recorded)
                    .replace("heartbeat-interval: 100", "heartbeat-interval: 100\n      clientPort: " + port.strip())
                    .replace("image: host", "image: host\n    health:\n      type: etcd\n      timeout: 20s"));
            Herd probed = new HerdLoader(catalog.all()).load(file);
            String provider = probed.providers().keySet().iterator().next();
            List<Instance> running = state.servers().stream().map(r -> new Instance(r.instanceId(), r.name(), r.ip(),
                    Instance.Status.RUNNING, Map.of(io.drover.spi.Tags.HERD, herd.name(), io.drover.spi.Tags.CLUSTER, r.cluster(),
                            io.drover.spi.Tags.RESOURCE, r.resource(), io.drover.spi.Tags.LINEAGE, state.lineage()), r.createdAt())).toList();
            try (Engine engine = new Engine(probed, catalog.all(), new FileStateStore(Engine.workDir(probed)), Map.of(), EventSink.NONE,
                    Engine.Settings.DEFAULT)) {
                LocalProvider local = (LocalProvider) engine.provider(provider);
                try {
                    for (Instance i : running) {
                        LocalServers.standIn(local.serverDirectory(i.id()), i, "etcd", new io.drover.spi.Image("host", "host", ""));
                    }
                    engine.plan(Planner.Options.APPLY);
                } finally {
                    for (Instance i : running) {
                        delete(local.serverDirectory(i.id()));
                    }
                }
            }
            member.getOutputStream().close(); // the endpoint's cue to say what it was asked, and stop
            String[] seen = String.valueOf(answers.readLine()).strip().split(" ");
            if (member.waitFor() != 0 || seen.length != 2) {
                throw new IOException("the training's member endpoint failed (exit " + member.exitValue() + ")");
            }
            return new Seen(Integer.parseInt(seen[0]), Integer.parseInt(seen[1]));
        } finally {
            member.destroy();
        }
    }

    /**
     * The child JVM of {@link #probe}: an HTTPS endpoint on the recorded herd's first member address, with that member's
     * certificate, asking for the client's. Prints its port, serves until its standard input ends, then prints how
     * many health checks and member lists it answered.
     */
    private static void serveMember(Path recorded) throws Exception {
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
            System.out.println(server.getAddress().getPort());
            System.out.flush();
            System.in.readAllBytes();
            System.out.println(health.get() + " " + lists.get());
            System.out.flush();
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
            // As an apply leaves it: the herd file as applied, and the servers.
            State state = engine.plan(Planner.Options.APPLY).prior().withApplied(Engine.applied(herd.source()));
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
