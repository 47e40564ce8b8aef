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
 * @param images the images {@code drover bake} builds, in the order declared
 */
public record Herd(
        String name, Path file, ProviderBlock provider, Map<String, String> variables,
        Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source, Map<String, ImageSpec> images) {

    public Herd {
        images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
        variables = Map.copyOf(variables);
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** A herd without images to bake. */
    public Herd(String name, Path file, ProviderBlock provider, Map<String, String> variables,
            Map<String, Cluster> clusters, Map<String, Output> outputs, HerdSource source) {
        this(name, file, provider, variables, clusters, outputs, source, Map.of());
    }

    /** A herd built in code (tests), with no source text. */
    public Herd(String name, Path file, ProviderBlock provider, Map<String, String> variables,
            Map<String, Cluster> clusters, Map<String, Output> outputs) {
        this(name, file, provider, variables, clusters, outputs, null);
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
        return new Herd(name, file, provider, variables, resolved, outputs, source, images);
    }

    /** The directory the herd file lives in; state goes to {@code .drover/} under it. */
    public Path directory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
