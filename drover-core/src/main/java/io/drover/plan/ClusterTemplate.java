package io.drover.plan;

import io.drover.config.Cluster;
import io.drover.spi.Image;

/**
 * A cluster as the engine launches it: the herd file's cluster, its resolved image and the identity every
 * server built from them carries (like an auto-scaling group's launch template).
 *
 * @param digest {@code sha256:} over the image digest, the first-boot template and the role settings
 */
public record ClusterTemplate(Cluster cluster, Image image, String digest) {
    public String name() {
        return cluster.name();
    }
}
