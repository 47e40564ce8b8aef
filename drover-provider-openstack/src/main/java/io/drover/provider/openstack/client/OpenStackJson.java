package io.drover.provider.openstack.client;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Small helpers for reading the loosely typed JSON documents OpenStack services return. */
final class OpenStackJson {
    static final JsonMapper MAPPER = JsonMapper.shared();

    private OpenStackJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    static JsonNode parse(byte[] body) {
        return body.length == 0 ? object() : MAPPER.readTree(body);
    }

    /** The text of a field, or null when it is absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }

    static List<String> strings(JsonNode node, String field) {
        List<String> result = new ArrayList<>();
        for (JsonNode item : node.path(field)) {
            result.add(item.asString());
        }
        return List.copyOf(result);
    }

    static Map<String, String> stringMap(JsonNode node, String field) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.path(field).properties()) {
            result.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asString());
        }
        return Map.copyOf(result);
    }

    /**
     * Parses the timestamps OpenStack services write: ISO-8601 with or without zone ({@code 2024-01-02T03:04:05Z},
     * Keystone's {@code 2024-01-02T03:04:05.000000Z}, Neutron's zone-less {@code 2024-01-02T03:04:05}).
     */
    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
