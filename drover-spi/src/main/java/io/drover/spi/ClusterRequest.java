package io.drover.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster-wide resources a cluster wants.
 *
 * @param antiAffinity spread the servers over distinct hosts
 * @param openPorts TCP ports the servers of the cluster must reach each other on (e.g. 2379, 2380)
 * @param options the validated cluster {@code provider:} block
 */
public record ClusterRequest(
        String name, boolean antiAffinity, List<Integer> openPorts, Map<String, Object> options, Map<String, String> tags) {
    public ClusterRequest {
        Objects.requireNonNull(name, "name");
        openPorts = List.copyOf(openPorts);
        options = Map.copyOf(options);
        tags = Map.copyOf(tags);
    }
}
