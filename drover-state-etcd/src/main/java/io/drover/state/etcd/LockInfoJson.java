package io.drover.state.etcd;

import io.drover.spi.Timestamps;
import io.drover.state.LockInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A lock holder or heal replica as the JSON value of its etcd key. */
final class LockInfoJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LockInfoJson() {}

    static byte[] toJson(LockInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", info.id());
        m.put("operation", info.operation());
        m.put("user", info.user());
        m.put("host", info.host());
        m.put("pid", info.pid());
        m.put("since", info.since().toString());
        return JSON.writeValueAsBytes(m);
    }

    static LockInfo fromJson(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new LockInfo(n.path("id").asString("-"), n.path("operation").asString("?"), n.path("user").asString("?"),
                    n.path("host").asString("?"), n.path("pid").asLong(-1), Timestamps.parse(n.path("since").asString()));
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            return new LockInfo("-", "?", "someone (unreadable lock value)", "?", -1, Instant.now());
        }
    }
}
