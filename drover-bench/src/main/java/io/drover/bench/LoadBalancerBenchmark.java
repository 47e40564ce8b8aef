package io.drover.bench;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.plan.Planner;
import io.drover.providers.ProviderCatalog;
import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.testkit.LoadGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/bench lb}: 3 web servers behind the local provider's HAProxy, a bounded load (8 connections, about 200
 * requests a second) through {@code lb_url} while Drover (a) rolls all 3 servers (a changed page), (b) replaces a kill
 * -9'd server (as heal does: the next plan finds it not running), (c) scales 3 -> 5 -> 2, (d) moves the cluster to
 * another local provider (its own addresses and root, as another cloud), the load balancer staying on the first
 * ({@code loadBalancer.provider}), so {@code lb_url} does not change. For each: requests sent, failed (any error or
 * non-2xx), the longest latency, and the time from a new server's first passing health check (Drover adds it to the
 * pool then) to the first request it served.
 */
public final class LoadBalancerBenchmark {
    private static final Pattern JOINED = Pattern.compile("adding (\\S+) to the load balancer");
    private static final int PORT = 20381;

    private LoadBalancerBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("load balancer benchmark: 3 web servers behind HAProxy, 8 connections at about 200 requests/s; load average %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path dir = Files.createTempDirectory("drover-bench-lb");
        Path file = dir.resolve("drover.yaml");
        Map<String, Instant> joined = new ConcurrentHashMap<>();
        Files.writeString(file, herd(3, "hello", "a"));
        apply(file, joined);
        String url;
        try (Engine engine = engine(file, e -> {})) {
            url = engine.state().outputs().get("lb_url");
        }
        System.out.println("lb_url " + url);
        try {
            measure("(a) roll 3 servers (changed page)", url, joined, () -> {
                Files.writeString(file, herd(3, "hi", "a"));
                apply(file, joined);
            });
            measure("(b) kill -9 a server, replaced", url, joined, () -> {
                FileStateStore store = new FileStateStore(dir.resolve(".drover"));
                String victim = store.read().orElseThrow().servers().get(1).name();
                long group = Long.parseLong(Files.readString(dir.resolve(".drover/site-a/servers/" + victim + "/supervisor.pid")).lines().findFirst()
                        .orElseThrow().strip());
                new ProcessBuilder("kill", "-KILL", "--", "-" + group).inheritIO().start().waitFor();
                apply(file, joined);
            });
            measure("(c) scale 3 -> 5 -> 2", url, joined, () -> {
                Files.writeString(file, herd(5, "hi", "a"));
                apply(file, joined);
                Files.writeString(file, herd(2, "hi", "a"));
                apply(file, joined);
            });
            measure("(d) move the 2 servers to provider b", url, joined, () -> {
                Files.writeString(file, herd(2, "hi", "b"));
                apply(file, joined);
                try (Engine engine = engine(file, e -> {})) {
                    String after = engine.state().outputs().get("lb_url");
                    if (!url.equals(after)) {
                        throw new IllegalStateException("lb_url changed from " + url + " to " + after);
                    }
                }
            });
        } finally {
            try (Engine engine = engine(file, e -> {}); StateLock lock = new FileStateStore(dir.resolve(".drover")).lock("bench")) {
                engine.apply(engine.plan(Planner.Options.DESTROY));
            }
        }
    }

    interface Change {
        void run() throws Exception;
    }

    private static void measure(String what, String url, Map<String, Instant> joined, Change change) throws Exception {
        joined.clear();
        LoadGenerator.Result r;
        Map<String, Instant> first;
        long t0 = System.nanoTime();
        try (LoadGenerator load = LoadGenerator.start(url, 8, Duration.ofMillis(40), Duration.ofMinutes(5))) {
            Thread.sleep(1000); // load before the change
            change.run();
            Thread.sleep(1000); // and after it
            r = load.stop();
            first = load.firstSeen();
        }
        List<Long> toFirst = new ArrayList<>();
        joined.forEach((name, at) -> first.forEach((body, seen) -> {
            if (body.endsWith(" " + name)) {
                toFirst.add(Duration.between(at, seen).toMillis());
            }
        }));
        toFirst.sort(null);
        System.out.printf("%-40s %6d sent, %d failed, longest %4d ms, health check passed -> first request served: %s ms (%d s in all)%n",
                what, r.sent(), r.failed(), r.longest().toMillis(), toFirst, (System.nanoTime() - t0) / 1_000_000_000);
        if (r.failed() > 0) {
            System.out.println("    e.g. " + r.failures());
        }
    }

    /** @param provider where the servers run; the load balancer stays on a */
    private static String herd(int size, String greeting, String provider) {
        return """
                herd: bench-lb
                providers:
                  a: {type: local, addresses: 127.0.166.0/24, root: .drover/site-a}
                  b: {type: local, addresses: 127.0.226.0/24, root: .drover/site-b}
                clusters:
                  web:
                    size: %d
                    image: host
                    provider: %s
                    maxUnavailable: 1
                    health: {type: http, port: %d, path: /, interval: 250ms, timeout: 500ms, failures: 3, startTimeout: 30s}
                    loadBalancer: {port: %d, drain: 10s, provider: a}
                    firstBoot:
                      storage:
                        files:
                          - path: /srv/www/index.html
                            contents: {inline: "%s from ${server.name}\\n"}
                      systemd:
                        units:
                          - name: web.service
                            enabled: true
                            contents: |
                              [Service]
                              WorkingDirectory=/srv/www
                              ExecStart=/usr/bin/python3 -m http.server %d --bind ${server.ip}
                              Restart=always
                outputs:
                  lb_url: ${clusters.web.lb_url}
                """.formatted(size, provider, PORT, PORT, greeting, PORT);
    }

    private static Engine engine(Path file, io.drover.apply.EventSink events) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(file);
        StateStore store = new FileStateStore(Engine.workDir(herd));
        return new Engine(herd, catalog.all(), store, System.getenv(), events, Engine.Settings.DEFAULT);
    }

    private static void apply(Path file, Map<String, Instant> joined) throws Exception {
        try (Engine engine = engine(file, e -> {
            if (e instanceof Event.Progress p) {
                Matcher m = JOINED.matcher(p.message());
                if (m.find()) {
                    joined.putIfAbsent(m.group(1), Instant.now());
                }
            }
        }); StateLock lock = new FileStateStore(file.getParent().resolve(".drover")).lock("bench")) {
            ApplyResult r = engine.apply(engine.plan(Planner.Options.APPLY));
            if (!r.ok()) {
                throw new IllegalStateException("apply failed: " + r.failureLines());
            }
        }
    }
}
