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
 * @param images the images {@code drover bake} builds, in the order declared
 * @param state where the state lives and how it is protected (the {@code state:} block)
 */
public record Herd(
        String name, Path file, Map<String, ProviderBlock> providers, Map<String, String> variables,
        Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source, Map<String, ImageSpec> images,
        StateSettings state) {

    public Herd {
        providers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("a herd needs a provider");
        }
        images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
        variables = Map.copyOf(variables);
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        state = state == null ? StateSettings.defaults(SourcePosition.unknown(file)) : state;
    }

    /** A herd without images to bake, its state in the default local file. */
    public Herd(String name, Path file, Map<String, ProviderBlock> providers, Map<String, String> variables,
            Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source) {
        this(name, file, providers, variables, clusters, outputs, source, Map.of(), null);
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

    /**
     * This herd with each cluster's {@code ${images.NAME}} reference replaced by what {@code references} maps the
     * image name to (a baked image's directory): what the provider resolves. Other images stay as written.
     */
    public Herd withImageReferences(java.util.function.Function<String, String> references) {
        Map<String, Cluster> resolved = new LinkedHashMap<>();
        for (Cluster c : clusters.values()) {
            String image = ImageSpec.referencedName(c.image());
            resolved.put(c.name(), image == null ? c : c.withImage(references.apply(image)));
        }
        return new Herd(name, file, providers, variables, resolved, outputs, source, images, state);
    }

    /** The directory the herd file lives in; state goes to {@code .drover/} under it. */
    public Path directory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
