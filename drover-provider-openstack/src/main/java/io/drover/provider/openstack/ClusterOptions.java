package io.drover.provider.openstack;

import java.util.List;
import java.util.Map;

/**
 * A cluster's validated {@code provider:} block (see {@link OpenStackProviderFactory#clusterSettings()}).
 *
 * @param network overrides the provider's default network; null for the default
 * @param securityGroupCidr who may reach the open ports; null for the network's subnet CIDRs
 * @param serverGroupPolicy {@code anti-affinity} (hard: fails when hosts run out) or {@code soft-anti-affinity}
 */
record ClusterOptions(String flavor, String network, String securityGroupCidr, String serverGroupPolicy) {
    static final String DEFAULT_FLAVOR = "m1.small";
    static final String DEFAULT_POLICY = "anti-affinity";
    /** The Nova server group policies Drover uses. */
    static final List<String> POLICIES = List.of("anti-affinity", "soft-anti-affinity");

    static ClusterOptions from(Map<String, Object> options) {
        return new ClusterOptions(
                text(options, "flavor", DEFAULT_FLAVOR),
                text(options, "network", null),
                text(options, "securityGroupCidr", null),
                text(options, "serverGroupPolicy", DEFAULT_POLICY));
    }

    String networkOr(String defaultNetwork) {
        return network == null ? defaultNetwork : network;
    }

    private static String text(Map<String, Object> options, String key, String fallback) {
        Object value = options.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString();
    }
}
