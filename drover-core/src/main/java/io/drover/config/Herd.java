package io.drover.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated herd file: the desired state of a set of clusters of identical servers.
 *
 * @param providers the clouds the herd runs on, by name, in the order they were declared (one, named
 *     {@value ProviderBlock#DEFAULT_NAME}, in the one-provider form)
 * @param clusters in the order they were declared
 * @param outputs values computed after apply, e.g. {@code etcd_endpoints}
 * @param source the text it was read from, or null for a herd built in code
 */
public record Herd(
        String name, Path file, Map<String, ProviderBlock> providers, Map<String, String> variables,
        Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source) {

    public Herd {
        providers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("a herd needs a provider");
        }
        variables = Map.copyOf(variables);
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** A herd of one provider built in code (tests), with no source text. */
    public Herd(String name, Path file, ProviderBlock provider, Map<String, String> variables,
            Map<String, Cluster> clusters, Map<String, Output> outputs) {
        this(name, file, Map.of(provider.name(), provider), variables, clusters, outputs, null);
    }

    /** The herd's first provider: its only one in the one-provider form ({@code provider:}). */
    public ProviderBlock provider() {
        return providers.values().iterator().next();
    }

    /** The provider a cluster runs on. */
    public ProviderBlock providerOf(Cluster cluster) {
        ProviderBlock p = cluster.provider() == null ? null : providers.get(cluster.provider());
        return p != null ? p : provider();
    }

    /** The directory the herd file lives in; state goes to {@code .drover/} under it. */
    public Path directory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
