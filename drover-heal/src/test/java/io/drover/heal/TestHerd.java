package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.ApplyResult;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.health.HealthProbe;
import io.drover.plan.Planner;
import io.drover.provider.local.LocalProvider;
import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real herd on the local provider for fault-injection tests: applied once, healed by a reconciler running in
 * the background, destroyed at the end.
 */
final class TestHerd implements AutoCloseable {
    final Herd herd;
    final StateStore store;
    final ProviderFactory factory;
    final List<HealEvent> events = new CopyOnWriteArrayList<>();
    final HealMetrics metrics = new HealMetrics();
    private Reconciler reconciler;
    private Thread loop;

    TestHerd(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, yaml);
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        herd = new HerdLoader(catalog.all()).load(file);
        factory = catalog.find(herd.provider().type()).orElseThrow();
        store = new FileStateStore(Engine.workDir(herd));
    }

    void apply() throws Exception {
        try (StateLock lock = store.lock("test"); Engine engine = engine()) {
            ApplyResult r = engine.apply(engine.plan(Planner.Options.APPLY));
            assertThat(r.failures()).isEmpty();
        }
    }

    Engine engine() {
        return new Engine(herd, factory, store, System.getenv(), e -> {}, Engine.Settings.DEFAULT);
    }

    Reconciler startHealing(ReplacementBackoff backoff) {
        reconciler = new Reconciler(herd, factory, store, System.getenv(), HealOptions.DEFAULT.withBackoff(backoff), metrics, events::add);
        loop = Thread.ofPlatform().name("heal").daemon().start(() -> {
            try {
                reconciler.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return reconciler;
    }

    List<ServerRecord> servers() throws Exception {
        return store.read().orElseThrow().servers();
    }

    /** Every recorded server answers its health check now. */
    boolean allHealthy(int size) throws Exception {
        List<ServerRecord> servers = servers();
        if (servers.size() != size || servers.stream().anyMatch(ServerRecord::tainted)) {
            return false;
        }
        try (Engine engine = engine(); HealthProbe probe = engine.healthProbe()) {
            for (ServerRecord r : servers) {
                var instance = new io.drover.spi.Instance(r.instanceId(), r.name(), r.ip(), io.drover.spi.Instance.Status.RUNNING, Map.of(), r.createdAt());
                if (!probe.check(herd.clusters().get(r.cluster()), instance).isUp()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The client TLS context of an etcd cluster running TLS (the default), or null. */
    javax.net.ssl.SSLContext clientTls(String cluster) throws Exception {
        return io.drover.roles.EtcdPki.fromSecrets(store.read().orElseThrow().secrets(), cluster).map(io.drover.roles.EtcdPki::clientContext).orElse(null);
    }

    long processGroup(ServerRecord r) throws Exception {
        try (LocalProvider provider = (LocalProvider) factory.open(new io.drover.spi.ProviderContext(herd.name(),
                herd.provider().settings(), Engine.workDir(herd), System.getenv()))) {
            OptionalLong pgid = provider.processGroup(r.instanceId());
            assertThat(pgid).as("process group of " + r.name()).isPresent();
            return pgid.getAsLong();
        }
    }

    /**
     * Signals a server's whole process group. The "--" matters: without it this machine's kill(1) reads "-PGID"
     * as an option, and a misparse once signalled every process on the machine.
     */
    void signal(ServerRecord r, String signal) throws Exception {
        long pgid = processGroup(r);
        assertThat(pgid).isGreaterThan(1);
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes());
        assertThat(kill.waitFor()).as("kill -%s -- -%d: %s", signal, pgid, out).isZero();
    }

    String eventLog() {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append(e.time()).append(' ').append(e.kind()).append(' ').append(e.describe()).append('\n'));
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        if (reconciler != null) {
            reconciler.stop();
            reconciler.awaitStopped(Duration.ofSeconds(90));
            reconciler.close();
        }
        try (StateLock lock = store.lock("test"); Engine engine = engine()) {
            engine.apply(engine.plan(Planner.Options.DESTROY));
        }
    }
}
