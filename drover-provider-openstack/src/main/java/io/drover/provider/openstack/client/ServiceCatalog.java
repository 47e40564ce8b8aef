package io.drover.provider.openstack.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The endpoints a Keystone v3 token lists, and the choice of one per service. */
public final class ServiceCatalog {

    /** One row of the catalog. */
    public record Endpoint(String serviceType, String interfaceName, String region, URI url) {}

    private final List<Endpoint> endpoints;

    public ServiceCatalog(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /** Reads {@code token.catalog} of a {@code POST /v3/auth/tokens} response body. */
    public static ServiceCatalog fromToken(JsonNode tokenResponse) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (JsonNode service : tokenResponse.path("token").path("catalog")) {
            String type = OpenStackJson.text(service, "type");
            for (JsonNode endpoint : service.path("endpoints")) {
                String url = OpenStackJson.text(endpoint, "url");
                if (type == null || url == null) {
                    continue;
                }
                String region = OpenStackJson.text(endpoint, "region_id");
                if (region == null) {
                    region = OpenStackJson.text(endpoint, "region");
                }
                endpoints.add(new Endpoint(type, OpenStackJson.text(endpoint, "interface"), region, URI.create(url)));
            }
        }
        return new ServiceCatalog(endpoints);
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * The URL of a service for an interface and region. With no region asked for, the catalog must offer the
     * service in exactly one region (guessing among several would talk to the wrong cloud).
     */
    public URI url(String serviceType, String interfaceName, String region) {
        List<Endpoint> matching = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.serviceType().equals(serviceType)
                    && endpoint.interfaceName() != null
                    && endpoint.interfaceName().equals(interfaceName)
                    && (region == null || Objects.equals(region, endpoint.region()))) {
                matching.add(endpoint);
            }
        }
        if (matching.isEmpty()) {
            throw new OpenStackException("The cloud's service catalog has no " + interfaceName + " endpoint for '"
                    + serviceType + "'" + (region == null ? "" : " in region " + region)
                    + ". Check the region and interface settings (available: " + describe(serviceType) + ").");
        }
        Set<String> regions = new LinkedHashSet<>();
        matching.forEach(e -> regions.add(String.valueOf(e.region())));
        if (region == null && regions.size() > 1) {
            throw new OpenStackException("The cloud offers '" + serviceType + "' in several regions " + regions
                    + ". Choose one with the provider setting 'region' or OS_REGION_NAME / region_name.");
        }
        return matching.get(0).url();
    }

    private String describe(String serviceType) {
        List<String> rows = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.serviceType().equals(serviceType)) {
                rows.add(endpoint.interfaceName() + "@" + endpoint.region());
            }
        }
        return rows.isEmpty() ? "none" : String.join(", ", rows);
    }
}
