package io.drover.spi;

import java.util.Map;
import java.util.Objects;

/**
 * Everything a provider needs to create one server.
 *
 * @param cluster the cluster the server belongs to (the provider may look up its cluster-wide resources)
 * @param name the server's unique, never reused name, e.g. {@code etcd-0-2}
 * @param image the resolved image
 * @param options the validated cluster {@code provider:} block (flavor, network, ...), see
 *     {@link ProviderFactory#clusterSettings()}
 * @param tags labels to attach (see {@link Tags}); the provider returns them in {@link Instance#tags()}. They are
 *     within the provider's {@link ProviderFactory#limits()}: the engine checked them before this call
 * @param userData renders the first-boot config once the server's address is known
 * @param placement the server's slot in its cluster, a hint for spreading it over failure domains
 */
public record LaunchRequest(
        String cluster, String name, Image image, Map<String, Object> options, Map<String, String> tags, UserDataSource userData,
        Placement placement) {

    public LaunchRequest {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        options = Map.copyOf(options);
        tags = Map.copyOf(tags);
        Objects.requireNonNull(userData, "userData");
        Objects.requireNonNull(placement, "placement");
    }

    /** A request with no placement hint ({@link Placement#ANY}). */
    public LaunchRequest(
            String cluster, String name, Image image, Map<String, Object> options, Map<String, String> tags, UserDataSource userData) {
        this(cluster, name, image, options, tags, userData, Placement.ANY);
    }
}
