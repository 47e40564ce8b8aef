package io.drover.provider.openstack.client;

import java.net.URI;
import java.util.Objects;

/**
 * Where a cloud is and how to log in to it, as read from {@code clouds.yaml} or {@code OS_*} variables.
 *
 * @param name the clouds.yaml entry, or {@code "envvars"} when read from the environment
 * @param authUrl the Keystone endpoint, e.g. {@code http://127.0.0.1:5000/v3}
 * @param region the region whose endpoints to use, or null when the catalog has only one
 * @param interfaceName which catalog endpoints to use: {@code public} (default), {@code internal}, {@code admin}
 */
public record CloudConfig(String name, URI authUrl, Credentials credentials, String region, String interfaceName) {

    public CloudConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(authUrl, "authUrl");
        Objects.requireNonNull(credentials, "credentials");
        interfaceName = normalizeInterface(interfaceName);
    }

    public CloudConfig withRegion(String newRegion) {
        return new CloudConfig(name, authUrl, credentials, newRegion, interfaceName);
    }

    /** The v3 base URL: clouds.yaml often names the unversioned root ({@code http://host:5000}). */
    public URI identityV3() {
        String url = authUrl.toString().replaceAll("/+$", "");
        if (url.endsWith("/v3")) {
            return URI.create(url);
        }
        if (url.matches(".*/v2\\.0$")) {
            return URI.create(url.substring(0, url.length() - "/v2.0".length()) + "/v3");
        }
        return URI.create(url + "/v3");
    }

    private static String normalizeInterface(String value) {
        if (value == null || value.isBlank()) {
            return "public";
        }
        // keystoneauth also accepts the v2 spellings publicURL, internalURL, adminURL.
        String lower = value.trim().toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith("url") ? lower.substring(0, lower.length() - 3) : lower;
    }

    @Override
    public String toString() {
        return "CloudConfig[name=" + name + ", authUrl=" + authUrl + ", region=" + region + ", interface="
                + interfaceName + ", credentials=" + credentials + "]";
    }
}
