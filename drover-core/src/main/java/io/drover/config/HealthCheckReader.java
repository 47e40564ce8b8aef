package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlScalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Reads a cluster's {@code health:} block over the defaults of its role. */
final class HealthCheckReader {
    /** The herd file's lines, to point at the very character of a bad health path. */
    private final List<String> lines;
    private final Problems problems;

    HealthCheckReader(List<String> lines, Problems problems) {
        this.lines = lines;
        this.problems = problems;
    }

    /** The health path goes into an HTTP request: it must be a valid URI path (and query). */
    private void badUriCharacter(String path, Entry entry) {
        String base = "http://host";
        try {
            new URI(base + path);
        } catch (URISyntaxException e) {
            YamlScalar scalar = (YamlScalar) entry.value();
            int at = Math.max(0, e.getIndex() - base.length());
            problems.add(scalar.positions(lines).apply(at), "health path '" + Problems.shown(path) + "' is not a valid URL path: "
                    + e.getReason().toLowerCase(java.util.Locale.ROOT), "percent-encode spaces and other special characters, e.g. %20");
        }
    }

    HealthCheck read(MapReader c, Role role) {
        HealthCheck defaults = HealthCheck.defaultFor(role);
        Entry entry = c.entry("health");
        if (entry == null) {
            return defaults;
        }
        MapReader h = MapReader.of(entry, "health", Shape.Herd.HEALTH, problems);
        if (h == null) {
            return null;
        }
        HealthCheck.Type type = defaults.type();
        String typeName = h.string("type");
        boolean typeKnown = true;
        if (typeName != null) {
            List<String> names = List.of("etcd", "http", "tcp", "process");
            if (!names.contains(typeName)) {
                problems.add(h.entry("type").value().position(), "unknown health check type '" + Problems.shown(typeName) + "'",
                        Problems.suggest(typeName, names) + " (types: etcd, http, tcp, process)");
                typeKnown = false;
            } else {
                type = HealthCheck.Type.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
                if (type == HealthCheck.Type.ETCD && role != Role.ETCD) {
                    problems.add(h.entry("type").value().position(), "health type etcd needs a cluster with role: etcd",
                            "use http, tcp or process, or set role: etcd");
                }
            }
        }
        boolean network = type == HealthCheck.Type.HTTP || type == HealthCheck.Type.TCP;
        Long port = h.integer("port", 1, 65535, false);
        if (!typeKnown) {
            // which keys apply depends on the type: checking them against a guess would only add noise
        } else if (network && port == null && !h.has("port")) {
            problems.add(entry.keyPosition(), "a " + typeName + " health check needs a port", "add 'port: 8080' under health");
        } else if (!network && h.has("port")) {
            problems.add(h.entry("port").keyPosition(), "'port' is only used by http and tcp health checks",
                    "remove it, or set type: http or tcp");
        }
        String path = h.string("path");
        if (path != null && typeKnown) {
            if (type != HealthCheck.Type.HTTP) {
                problems.add(h.entry("path").keyPosition(), "'path' is only used by http health checks", "remove it, or set type: http");
            } else if (!path.startsWith("/")) {
                problems.add(h.entry("path").value().position(), "health path '" + Problems.shown(path) + "' must start with /",
                        "e.g. path: /healthz");
            } else {
                badUriCharacter(path, h.entry("path"));
            }
        }
        var interval = h.duration("interval");
        var timeout = h.duration("timeout");
        var startTimeout = h.duration("startTimeout");
        Long failures = h.integer("failures", 1, Long.MAX_VALUE, false);
        return new HealthCheck(type, port == null ? defaults.port() : port.intValue(), path == null ? defaults.path() : path,
                interval == null ? defaults.interval() : interval, timeout == null ? defaults.timeout() : timeout,
                startTimeout == null ? defaults.startTimeout() : startTimeout,
                failures == null ? defaults.failures() : failures.intValue());
    }
}
