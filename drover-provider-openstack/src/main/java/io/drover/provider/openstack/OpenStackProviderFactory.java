package io.drover.provider.openstack;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.Setting.Kind;
import io.drover.spi.SettingProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code provider: {type: openstack}}: servers on Nova, ports and security groups on Neutron, images from Glance. */
public final class OpenStackProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "openstack";
    }

    @Override
    public String description() {
        return "OpenStack (Keystone v3, Nova, Neutron, Glance), configured by clouds.yaml or OS_* variables";
    }

    /** Reservations are ports made ahead; cluster resources are server and security groups; baked images go to Glance. */
    @Override
    public java.util.Set<io.drover.spi.Capability> capabilities() {
        return java.util.EnumSet.of(io.drover.spi.Capability.RESERVATIONS, io.drover.spi.Capability.CLUSTER_RESOURCES,
                io.drover.spi.Capability.BAKED_IMAGES, io.drover.spi.Capability.PREFERRED_ADDRESSES);
    }

    /**
     * Tags are Nova metadata: keys and values of at most 255 characters, 128 items (the default {@code metadata_items}
     * quota). User data is at most 65535 bytes once base64-encoded: 49149 bytes as rendered.
     */
    @Override
    public io.drover.spi.Limits limits() {
        return io.drover.spi.Limits.NONE.withTagLengths(255, 255).withMaxUserDataBytes(ServerLifecycle.MAX_USER_DATA_BASE64 / 4 * 3)
                .withMaxTags(128);
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.optional("cloud", Kind.STRING, null,
                        "Entry of clouds.yaml to use; default $OS_CLOUD, else the OS_* variables"),
                Setting.optional("region", Kind.STRING, null, "Region to use; default the cloud's region_name"),
                Setting.optional("network", Kind.STRING, OpenStackSettings.DEFAULT_NETWORK,
                        "Network (name or id) the servers' ports are created on"),
                Setting.optional("keyName", Kind.STRING, null, "Nova key pair injected into the servers"),
                Setting.optional("bootTimeout", Kind.DURATION, OpenStackSettings.DEFAULT_BOOT_TIMEOUT,
                        "How long to wait for a server to become ACTIVE"));
    }

    @Override
    public List<Setting> clusterSettings() {
        return List.of(
                Setting.optional("flavor", Kind.STRING, ClusterOptions.DEFAULT_FLAVOR, "Nova flavor (name or id)"),
                Setting.optional("network", Kind.STRING, null, "Network for this cluster; default the provider's network"),
                Setting.optional("securityGroupCidr", Kind.STRING, null,
                        "CIDR allowed to reach the cluster's open ports and SSH; default the network's subnet CIDRs"),
                Setting.optional("serverGroupPolicy", Kind.STRING, ClusterOptions.DEFAULT_POLICY,
                        "Server group policy when antiAffinity is on: anti-affinity or soft-anti-affinity"));
    }

    /** What {@link #open} or the first create would refuse, found without a session. */
    @Override
    public List<SettingProblem> validate(Map<String, Object> settings) {
        List<SettingProblem> problems = new ArrayList<>();
        if (settings.get("bootTimeout") instanceof Duration boot && (boot.isZero() || boot.isNegative())) {
            problems.add(new SettingProblem("bootTimeout", "it must be longer than zero", "e.g. bootTimeout: 10m"));
        }
        return problems;
    }

    @Override
    public List<SettingProblem> validateCluster(Map<String, Object> options) {
        List<SettingProblem> problems = new ArrayList<>();
        if (options.get("serverGroupPolicy") instanceof String policy && !ClusterOptions.POLICIES.contains(policy)) {
            problems.add(new SettingProblem("serverGroupPolicy", "unknown policy '" + policy + "'",
                    "use " + String.join(" or ", ClusterOptions.POLICIES)));
        }
        if (options.get("securityGroupCidr") instanceof String cidr && !cidr.isBlank() && !Cidr.isValid(cidr)) {
            problems.add(new SettingProblem("securityGroupCidr", "'" + cidr + "' is not a CIDR block",
                    "write an address and a prefix length, e.g. 10.0.0.0/24 or 2001:db8::/64"));
        }
        return problems;
    }

    @Override
    public Provider open(ProviderContext context) throws ProviderException {
        return OpenStackProvider.open(context); // the client's classes load only here, not for describing the settings
    }
}
