package io.drover.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated herd file: the desired state of a set of clusters of identical servers.
 *
 * @param clusters in the order they were declared
 * @param outputs values computed after apply, e.g. {@code etcd_endpoints}
 */
public record Herd(
        String name, Path file, ProviderBlock provider, Map<String, String> variables,
        Map<String, Cluster> clusters, Map<String, Output> outputs) {

    public Herd {
        variables = Map.copyOf(variables);
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The directory the herd file lives in; state goes to {@code .drover/} under it. */
    public Path directory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
