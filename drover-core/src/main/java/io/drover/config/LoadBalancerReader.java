package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlScalar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads a cluster's {@code loadBalancer:} block; one reader per herd file, as two load balancers of a provider cannot share a port. */
final class LoadBalancerReader {
    private final Problems problems;
    /** The herd's provider names, which {@code loadBalancer.provider} may name. */
    private final Set<String> providers;
    /** Load balancer ports taken so far, as "provider:port", with where each was declared. */
    private final Map<String, SourcePosition> ports = new LinkedHashMap<>();

    LoadBalancerReader(Problems problems, Set<String> providers) {
        this.problems = problems;
        this.providers = providers;
    }

    /**
     * The {@code loadBalancer:} block: a load balancer only knows a server serves by checking it over the network, so
     * the cluster needs an http or tcp health check; two load balancers of one provider cannot share a port.
     */
    LoadBalancerSpec read(MapReader c, HealthCheck health, String provider) {
        Entry entry = c.entry("loadBalancer");
        if (entry == null) {
            return null;
        }
        MapReader lb = MapReader.of(entry, "loadBalancer", Shape.Herd.LOAD_BALANCER, problems);
        if (lb == null) {
            return null;
        }
        boolean ok = true;
        if (health != null && health.type() != HealthCheck.Type.HTTP && health.type() != HealthCheck.Type.TCP) {
            problems.add(entry.keyPosition(), "a load balancer needs a cluster with an http or tcp health check, this one is checked by '"
                    + health.type().name().toLowerCase(java.util.Locale.ROOT) + "'",
                    "add 'health: {type: http, port: 8080, path: /}' to the cluster, so that a server joins the pool only once it serves");
            ok = false;
        }
        Long port = lb.integer("port", 1, 65535, true);
        Long targetPort = lb.integer("targetPort", 1, 65535, false);
        if (targetPort == null && !lb.has("targetPort") && health != null && health.port() == 0 && ok) {
            problems.add(entry.keyPosition(), "the load balancer does not know which port its servers serve on",
                    "add 'targetPort: 8080' under loadBalancer");
            ok = false;
        }
        java.time.Duration drain = LoadBalancerSpec.DEFAULT_DRAIN;
        Entry drainEntry = lb.entry("drain");
        if (drainEntry != null) {
            drain = lb.duration("drain");
            if (drain != null && drain.compareTo(LoadBalancerSpec.MAX_DRAIN) > 0) {
                problems.add(drainEntry.value().position(), "drain must be at most 15m, got " + Problems.shown(((YamlScalar) drainEntry.value()).text()),
                        "use a few seconds to a few minutes: the longest request a server may finish while it goes away, e.g. drain: 10s");
                drain = null;
            }
        }
        String home = null;
        Entry homeEntry = lb.entry("provider");
        if (homeEntry != null) {
            home = lb.string("provider");
            if (home != null && !providers.contains(home)) {
                problems.add(homeEntry.value().position(), "the load balancer names unknown provider '" + Problems.shown(home) + "'",
                        Problems.suggest(home, providers) + " (providers: " + String.join(", ", providers) + ")");
                ok = false;
            }
        }
        if (port != null) {
            String where = home != null ? home : provider;
            String key = (where == null ? "" : where) + ":" + port;
            SourcePosition first = ports.putIfAbsent(key, lb.entry("port").value().position());
            if (first != null) {
                problems.add(lb.entry("port").value().position(), "port " + port + " is already used by the load balancer at line " + first.line(),
                        "give each load balancer of a provider its own port");
                port = null;
            }
        }
        if (!ok || port == null || drain == null || (targetPort == null && lb.has("targetPort"))) {
            return null;
        }
        return new LoadBalancerSpec(port.intValue(), targetPort != null ? targetPort.intValue() : health.port(), drain, entry.keyPosition(), home);
    }
}
