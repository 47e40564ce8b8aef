package io.drover.provider.openstack;

import io.drover.provider.openstack.client.CloudConfig;
import io.drover.provider.openstack.client.CloudConfigLoader;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.ServiceCatalog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The cloud the integration tests talk to: the one {@code OS_CLOUD} names (CI: the all-in-one cloud {@code aio}). */
final class TestCloud {
    private TestCloud() {}

    static Map<String, String> environment() {
        return System.getenv();
    }

    /** The provider settings the tests open sessions with: the all-in-one's shared network, a patient boot timeout. */
    static Map<String, Object> providerSettings() {
        return Map.of("network", "private", "bootTimeout", java.time.Duration.ofMinutes(2));
    }

    static CloudConfig config() {
        return CloudConfigLoader.standard(environment(), Path.of("").toAbsolutePath()).load(null);
    }

    static OpenStackClient client() {
        return OpenStackClient.connect(config());
    }

    /** A name no other test run uses, so runs on a shared cloud do not see each other's resources. */
    static String uniqueName(String prefix) {
        byte[] bytes = new byte[4];
        new Random().nextBytes(bytes);
        return prefix + "-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * Starts a {@link FaultProxy} in front of Keystone and every service in the catalog, and returns the cloud
     * config whose auth URL points at it (the proxy rewrites the catalog, so every later call goes through it).
     */
    static Proxied proxied(FaultProxy.Plan plan) throws IOException {
        CloudConfig direct = config();
        List<URI> upstreams = new ArrayList<>();
        upstreams.add(direct.authUrl());
        try (OpenStackClient client = OpenStackClient.connect(direct)) {
            for (ServiceCatalog.Endpoint endpoint : client.session().token().catalog().endpoints()) {
                upstreams.add(endpoint.url());
            }
        }
        FaultProxy proxy = FaultProxy.start(upstreams, plan);
        CloudConfig config = new CloudConfig(direct.name(), proxy.uriFor(direct.authUrl()), direct.credentials(),
                direct.region(), direct.interfaceName());
        return new Proxied(proxy, config);
    }

    record Proxied(FaultProxy proxy, CloudConfig config) {}
}
