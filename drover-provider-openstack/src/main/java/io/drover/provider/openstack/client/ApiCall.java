package io.drover.provider.openstack.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One HTTP request to an OpenStack API, with what the retry logic must know about it.
 *
 * @param headers request headers (the token is added by {@link OpenStackSession}); never logged
 * @param body the body, or {@link HttpRequest.BodyPublishers#noBody()}
 * @param lookup for a {@code POST} that creates something: finds the thing the call would have created,
 *     so that a call whose outcome is unknown (response lost, 5xx) can be checked before it is repeated;
 *     {@code null} for calls that are safe to repeat or must not be repeated
 */
public record ApiCall(
        String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, Lookup lookup) {

    /** Finds the resource a creating call made, in the shape of that call's response body. */
    @FunctionalInterface
    public interface Lookup {
        Optional<JsonNode> find();
    }

    public ApiCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    public static ApiCall of(String method, URI uri) {
        return new ApiCall(method, uri, Map.of(), HttpRequest.BodyPublishers.noBody(), null);
    }

    /**
     * GET, PUT, DELETE and HEAD give the same result however often they are sent, so any failure may be
     * retried blindly. POST creates things: it is repeated only when it surely never reached the server.
     */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
            default -> false;
        };
    }

    public ApiCall withHeader(String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(headers);
        copy.put(name, value);
        return new ApiCall(method, uri, copy, body, lookup);
    }

    public ApiCall withBody(String contentType, byte[] content) {
        return new ApiCall(method, uri, headers, HttpRequest.BodyPublishers.ofByteArray(content), lookup)
                .withHeader("Content-Type", contentType);
    }

    public ApiCall withLookup(Lookup lookup) {
        return new ApiCall(method, uri, headers, body, lookup);
    }

    /** What error messages show: method and path, never the headers or body (they hold secrets). */
    public String describe() {
        return method + " " + uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath();
    }

    @Override
    public String toString() {
        return "ApiCall[" + describe() + "]";
    }
}
