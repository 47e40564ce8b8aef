package io.drover.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated herd file: the desired state of a set of clusters of identical servers.
 *
 * @param clusters in the order they were declared
 * @param outputs values computed after apply, e.g. {@code etcd_endpoints}
 * @param source the text it was read from, or null for a herd built in code
 */
public record Herd(
        String name, Path file, ProviderBlock provider, Map<String, String> variables,
        Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source) {

    public Herd {
        variables = Map.copyOf(variables);
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** A herd built in code (tests), with no source text. */
    public Herd(String name, Path file, ProviderBlock provider, Map<String, String> variables,
            Map<String, Cluster> clusters, Map<String, Output> outputs) {
        this(name, file, provider, variables, clusters, outputs, null);
    }

    /** The directory the herd file lives in; state goes to {@code .drover/} under it. */
    public Path directory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
