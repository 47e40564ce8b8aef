package io.drover.provider.local;

import io.drover.spi.UserData;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Builds Ignition v3 JSON for tests, the way a renderer would. */
final class IgnitionJson {
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final ObjectNode config = mapper.createObjectNode();

    IgnitionJson() {
        config.putObject("ignition").put("version", "3.4.0");
    }

    static String dataUrl(String text) {
        return "data:," + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String base64Url(byte[] bytes) {
        return "data:;base64," + Base64.getEncoder().encodeToString(bytes);
    }

    IgnitionJson file(String path, Integer mode, String source) {
        ObjectNode file = array("storage", "files").addObject().put("path", path);
        if (mode != null) {
            file.put("mode", mode);
        }
        if (source != null) {
            file.putObject("contents").put("source", source);
        }
        return this;
    }

    IgnitionJson appendTo(String path, String source) {
        ObjectNode file = array("storage", "files").addObject().put("path", path);
        file.putArray("append").addObject().put("source", source);
        return this;
    }

    IgnitionJson directory(String path, int mode) {
        array("storage", "directories").addObject().put("path", path).put("mode", mode);
        return this;
    }

    IgnitionJson link(String path, String target, boolean hard) {
        array("storage", "links").addObject().put("path", path).put("target", target).put("hard", hard);
        return this;
    }

    IgnitionJson unit(String name, String contents) {
        return unit(name, contents, true, Map.of());
    }

    IgnitionJson unit(String name, String contents, boolean enabled, Map<String, String> dropins) {
        ObjectNode unit = array("systemd", "units").addObject().put("name", name).put("enabled", enabled);
        if (contents != null) {
            unit.put("contents", contents);
        }
        if (!dropins.isEmpty()) {
            ArrayNode list = unit.putArray("dropins");
            dropins.forEach((n, c) -> list.addObject().put("name", n).put("contents", c));
        }
        return this;
    }

    IgnitionJson user(String name, String key) {
        array("passwd", "users").addObject().put("name", name).putArray("sshAuthorizedKeys").add(key);
        return this;
    }

    private ArrayNode array(String section, String name) {
        ObjectNode parent = config.has(section) ? (ObjectNode) config.get(section) : config.putObject(section);
        return parent.has(name) ? (ArrayNode) parent.get(name) : parent.putArray(name);
    }

    byte[] bytes() {
        return mapper.writeValueAsBytes(config);
    }

    UserData userData() {
        return new UserData(UserData.IGNITION, bytes());
    }
}
