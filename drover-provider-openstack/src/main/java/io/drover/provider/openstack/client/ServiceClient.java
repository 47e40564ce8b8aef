package io.drover.provider.openstack.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/** What the Nova, Glance and Neutron clients share: a session, a lazily resolved base URL, JSON calls. */
abstract class ServiceClient {
    private final OpenStackSession session;
    private final Supplier<URI> base;
    private final Map<String, String> headers;
    private volatile URI resolved;

    ServiceClient(OpenStackSession session, Supplier<URI> base, Map<String, String> headers) {
        this.session = session;
        this.base = base;
        this.headers = Map.copyOf(headers);
    }

    final URI uri(String path) {
        URI root = resolved;
        if (root == null) {
            root = base.get();
            resolved = root;
        }
        String prefix = root.toString().replaceAll("/+$", "");
        return URI.create(prefix + path);
    }

    final ApiCall call(String method, String path) {
        ApiCall call = ApiCall.of(method, uri(path));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            call = call.withHeader(header.getKey(), header.getValue());
        }
        return call;
    }

    final ApiResponse send(ApiCall call) {
        return session.send(call);
    }

    final JsonNode get(String path) {
        ApiCall call = call("GET", path);
        return expectSuccess(call, send(call));
    }

    /** GET that treats 404 as "absent". */
    final Optional<JsonNode> find(String path) {
        ApiCall call = call("GET", path);
        ApiResponse response = send(call);
        if (response.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(expectSuccess(call, response));
    }

    final JsonNode post(String path, JsonNode body, ApiCall.Lookup lookup) {
        ApiCall call = call("POST", path).withBody("application/json", OpenStackJson.bytes(body)).withLookup(lookup);
        return expectSuccess(call, send(call));
    }

    final JsonNode put(String path, JsonNode body) {
        ApiCall call = call("PUT", path).withBody("application/json", OpenStackJson.bytes(body));
        return expectSuccess(call, send(call));
    }

    /** DELETE; an already deleted resource (404) counts as success, so deleting is idempotent. */
    final void delete(String path) {
        ApiCall call = call("DELETE", path);
        ApiResponse response = send(call);
        if (response.status() != 404) {
            expectSuccess(call, response);
        }
    }

    static JsonNode expectSuccess(ApiCall call, ApiResponse response) {
        if (response.successful()) {
            return response.json();
        }
        int status = response.status();
        throw new OpenStackException(call.describe() + " failed: " + status + " " + response.errorMessage(),
                status, status == 429 || status >= 500, null);
    }

    /** Follows pagination links ({@code rel=next} in {@code <collection>_links} or Glance's {@code next}). */
    final List<JsonNode> listAll(String path, String collection) {
        List<JsonNode> items = new ArrayList<>();
        String next = path;
        for (int page = 0; next != null && page < 1000; page++) {
            JsonNode body = get(next);
            body.path(collection).forEach(items::add);
            next = nextPage(body, collection);
        }
        return items;
    }

    private String nextPage(JsonNode body, String collection) {
        String link = null;
        for (JsonNode candidate : body.path(collection + "_links")) {
            if ("next".equals(OpenStackJson.text(candidate, "rel"))) {
                link = OpenStackJson.text(candidate, "href");
            }
        }
        if (link == null) {
            link = OpenStackJson.text(body, "next"); // Glance v2: "/v2/images?marker=..."
        }
        if (link == null) {
            return null;
        }
        // Links are absolute (Nova, Neutron) or rooted at the service (Glance); keep only what follows the base.
        URI target = URI.create(link);
        String rawPath = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        String basePath = uri("").getRawPath();
        if (!basePath.isEmpty() && rawPath.startsWith(basePath)) {
            return rawPath.substring(basePath.length());
        }
        // Glance's "next" is /v2/images?..., and our base includes /v2.
        int version = rawPath.indexOf('/', 1);
        return version > 0 && basePath.endsWith(rawPath.substring(0, version)) ? rawPath.substring(version) : rawPath;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
