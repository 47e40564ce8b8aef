package io.drover.plan;

import io.drover.config.Cluster;
import io.drover.spi.Image;

/**
 * A cluster as the engine launches it: the herd file's cluster, the provider it runs on, its image resolved there and
 * the identity every server built from them carries (like an auto-scaling group's launch template).
 *
 * @param provider the name of the provider new servers are created on
 * @param digest {@code sha256:} over the image digest, the first-boot template and the role settings
 * @param facts what the digest covers, flattened for people ({@link Identity#facts}); empty when not known (tests)
 */
public record ClusterTemplate(Cluster cluster, String provider, Image image, String digest, java.util.Map<String, String> facts) {
    public ClusterTemplate {
        facts = facts == null ? java.util.Map.of() : java.util.Map.copyOf(facts);
    }

    /** A template whose identity facts are not known. */
    public ClusterTemplate(Cluster cluster, String provider, Image image, String digest) {
        this(cluster, provider, image, digest, java.util.Map.of());
    }

    /** A template on the herd's only provider (tests). */
    public ClusterTemplate(Cluster cluster, Image image, String digest) {
        this(cluster, cluster.provider() == null ? io.drover.config.ProviderBlock.DEFAULT_NAME : cluster.provider(), image, digest);
    }

    public String name() {
        return cluster.name();
    }
}
