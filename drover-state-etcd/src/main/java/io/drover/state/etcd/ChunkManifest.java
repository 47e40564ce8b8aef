package io.drover.state.etcd;

import io.drover.state.StateVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Where a large state's chunks are, with the version it holds (so a writer's check needs no chunk). */
record ChunkManifest(String id, int count, int size, String sha256, StateVersion version) {
    private static final String KEY = "drover_state_chunks";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static ChunkManifest parse(byte[] value) {
        int end = Math.min(value.length, 64);
        String start = new String(value, 0, end, StandardCharsets.UTF_8).replaceAll("\\s", "");
        if (!start.startsWith("{\"" + KEY + "\"")) {
            return null;
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (JacksonException e) {
            return null; // then decoding it reports a damaged state
        }
        return new ChunkManifest(n.path("id").asString(), n.path("count").asInt(), n.path("size").asInt(), n.path("sha256").asString(),
                n.path("serial").asLong() <= 0 ? StateVersion.NONE : new StateVersion(n.path("lineage_sha256").asString(), n.path("serial").asLong()));
    }

    byte[] bytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(KEY, 1);
        m.put("id", id);
        m.put("count", count);
        m.put("size", size);
        m.put("sha256", sha256);
        m.put("serial", version.serial());
        m.put("lineage_sha256", version.lineageDigest());
        return JSON.writeValueAsBytes(m);
    }
}
