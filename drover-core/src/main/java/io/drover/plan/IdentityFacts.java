package io.drover.plan;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Flattens a cluster's identity inputs into {@code path -> value} lines people can read and a plan can diff:
 * {@code etcd.flags.election-timeout -> 1000}, {@code firstBoot.files[/etc/app.conf].contents -> 12 bytes, sha256:...}.
 * List entries are named by their {@code path} or {@code name} (a file, a unit), so a file added in front does not
 * make every later one look changed. Long or multi-line text is summarised by its size and digest: the state keeps
 * these facts, and it should not keep every file's contents a second time.
 */
final class IdentityFacts {
    /** Values longer than this, or of more than one line, are shown as their size and digest. */
    static final int LONGEST_SHOWN = 64;

    private IdentityFacts() {}

    static Map<String, String> flatten(JsonNode inputs) {
        Map<String, String> facts = new TreeMap<>();
        add(facts, "", inputs);
        return facts;
    }

    private static void add(Map<String, String> facts, String path, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                add(facts, path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                add(facts, path + "[" + entryName(element, i) + "]", element);
            }
        } else {
            facts.put(path, shown(node.isString() ? node.asString() : node.toString()));
        }
    }

    private static String entryName(JsonNode element, int index) {
        for (String key : new String[] {"path", "name"}) {
            JsonNode name = element.isObject() ? element.get(key) : null;
            if (name != null && name.isString()) {
                return name.asString();
            }
        }
        return String.valueOf(index);
    }

    private static String shown(String value) {
        if (value.length() <= LONGEST_SHOWN && value.indexOf('\n') < 0) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return bytes.length + " bytes, " + Identity.sha256(bytes).substring(0, "sha256:".length() + 12);
    }
}
