package io.drover.provider.openstack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How Drover recognises its own Neutron resources. Ports and security groups carry no metadata map, and tags
 * need an API extension not every cloud enables, so the marker goes into their {@code description}:
 * {@code drover-herd=<herd> drover-cluster=<cluster>}. Names alone would not do: another tool (or another
 * herd) may use the same names.
 */
record Ownership(String herd, String cluster) {

    private static final String HERD = "drover-herd=";
    private static final String CLUSTER = "drover-cluster=";

    /** The name of a cluster's server group and security group. */
    String clusterResourceName() {
        return herd + "-" + cluster;
    }

    String description() {
        return HERD + herd + " " + CLUSTER + cluster;
    }

    /** Reads a marker written by {@link #description()}; empty for descriptions Drover did not write. */
    static Optional<Ownership> parse(String description) {
        if (description == null) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : description.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq + 1), word.substring(eq + 1));
            }
        }
        String herd = fields.get(HERD);
        String cluster = fields.get(CLUSTER);
        return herd == null || cluster == null ? Optional.empty() : Optional.of(new Ownership(herd, cluster));
    }

    /** Whether a description marks a resource of this herd (any cluster). */
    static boolean ownedByHerd(String description, String herd) {
        return parse(description).map(o -> o.herd().equals(herd)).orElse(false);
    }
}
