package io.drover.provider.openstack.client;

import java.net.http.HttpHeaders;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A response as received: status, headers and the whole body (OpenStack API bodies are small). */
public record ApiResponse(int status, HttpHeaders headers, byte[] body) {

    static ApiResponse synthetic(JsonNode json) {
        return new ApiResponse(200, HttpHeaders.of(Map.of(), (a, b) -> true), OpenStackJson.bytes(json));
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    public JsonNode json() {
        return OpenStackJson.parse(body);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /**
     * The explanation the service put in an error body. Each service wraps it differently:
     * Nova {@code {"itemNotFound": {"message": ...}}}, Neutron {@code {"NeutronError": {"message": ...}}},
     * Keystone {@code {"error": {"message": ...}}}, Glance plain text or HTML.
     */
    public String errorMessage() {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
        try {
            JsonNode json = OpenStackJson.parse(body);
            for (JsonNode wrapper : json.values()) {
                String message = OpenStackJson.text(wrapper, "message");
                if (message != null) {
                    return message;
                }
            }
            String message = OpenStackJson.text(json, "message");
            if (message != null) {
                return message;
            }
        } catch (RuntimeException notJson) {
            // Glance and proxies answer with HTML or text: strip tags and keep it short.
        }
        text = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
