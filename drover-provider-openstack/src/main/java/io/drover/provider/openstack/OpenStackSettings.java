package io.drover.provider.openstack;

import io.drover.spi.ProviderContext;
import java.time.Duration;

/**
 * The validated provider block (see {@link OpenStackProviderFactory#settings()}).
 *
 * @param cloud the clouds.yaml entry, or null for {@code OS_CLOUD} / the {@code OS_*} variables
 * @param region overrides the cloud's region, or null
 * @param network the default network for servers' ports
 * @param keyName a Nova key pair to inject, or null
 */
record OpenStackSettings(String cloud, String region, String network, String keyName, Duration bootTimeout, Duration deleteTimeout) {
    static final String DEFAULT_NETWORK = "private";
    static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_DELETE_TIMEOUT = Duration.ofMinutes(5);

    static OpenStackSettings from(ProviderContext context) {
        String network = context.string("network");
        Duration boot = context.setting("bootTimeout", Duration.class);
        return new OpenStackSettings(
                context.string("cloud"),
                context.string("region"),
                network == null || network.isBlank() ? DEFAULT_NETWORK : network,
                context.string("keyName"),
                boot == null ? DEFAULT_BOOT_TIMEOUT : boot,
                DEFAULT_DELETE_TIMEOUT);
    }
}
