package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlList;
import io.drover.config.YamlNode.YamlMap;
import io.drover.config.YamlNode.YamlScalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, position-aware access to one map of a herd file. Every getter reports a wrong type or a missing
 * required key as a problem and answers {@code null}, so the loader carries on and finds the next problem.
 */
final class MapReader {
    private final YamlMap map;
    private final SourcePosition where;
    private final String what;
    private final Problems problems;

    /**
     * @param where where "missing key" problems point: the key that owns this map, or the map itself
     * @param what how messages name this map, e.g. {@code cluster 'etcd'}
     */
    MapReader(YamlMap map, SourcePosition where, String what, Shape.Fields shape, Problems problems) {
        this.map = map;
        this.where = where;
        this.what = what;
        this.problems = problems;
        if (!shape.open()) {
            for (Entry entry : map.entries().values()) {
                if (!shape.fields().containsKey(entry.key())) {
                    problems.add(entry.keyPosition(), "unknown key '" + Problems.shown(entry.key()) + "' in " + what,
                            () -> Problems.suggest(entry.key(), shape.keys()));
                }
            }
        }
    }

    /** A map value as a reader, or {@code null} (and a problem) when it is not a map. */
    static MapReader of(Entry entry, String what, Shape.Fields shape, Problems problems) {
        YamlMap map = asMap(entry.value(), entry.key(), problems);
        return map == null ? null : new MapReader(map, entry.keyPosition(), what, shape, problems);
    }

    YamlMap map() {
        return map;
    }

    SourcePosition where() {
        return where;
    }

    String what() {
        return what;
    }

    /** The entry, or {@code null} when absent or written without a value. */
    Entry entry(String key) {
        Entry entry = map.entries().get(key);
        return entry == null || (entry.value() instanceof YamlScalar s && s.isNull()) ? null : entry;
    }

    boolean has(String key) {
        return entry(key) != null;
    }

    Entry required(String key, String example) {
        Entry entry = entry(key);
        if (entry == null) {
            Entry empty = map.entries().get(key);
            problems.add(empty == null ? where : empty.keyPosition(),
                    (empty == null ? "missing required key '" : "empty value for '") + key + "' in " + what,
                    "add '" + key + ": " + example + "'");
        }
        return entry;
    }

    String string(String key) {
        Entry entry = entry(key);
        return entry == null ? null : asString(entry.value(), key, problems);
    }

    String requiredString(String key, String example) {
        Entry entry = required(key, example);
        return entry == null ? null : asString(entry.value(), key, problems);
    }

    Boolean bool(String key) {
        Entry entry = entry(key);
        return entry == null ? null : asBoolean(entry.value(), key, problems);
    }

    /** An integer within [min, max], or {@code null} (a problem says why) when absent/wrong. */
    Long integer(String key, long min, long max, boolean required) {
        Entry entry = required ? required(key, String.valueOf(min)) : entry(key);
        if (entry == null) {
            return null;
        }
        Long value = asLong(entry.value(), key, problems);
        if (value != null && (value < min || value > max)) {
            problems.add(entry.value().position(),
                    "'" + key + "' must be " + (max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
                            + ", got " + value,
                    "set " + key + " to " + (max == Long.MAX_VALUE ? min + " or more" : "a value from " + min + " to " + max));
            return null;
        }
        return value;
    }

    /** A positive duration, or {@code null} when absent/wrong. */
    Duration duration(String key) {
        Entry entry = entry(key);
        if (entry == null) {
            return null;
        }
        Duration value = asDuration(entry.value(), key, problems);
        if (value != null && (value.isZero() || value.isNegative())) {
            problems.add(entry.value().position(), "'" + key + "' must be longer than zero", "e.g. " + key + ": 1s");
            return null;
        }
        return value;
    }

    List<String> stringList(String key) {
        Entry entry = entry(key);
        return entry == null ? null : asStringList(entry.value(), key, problems);
    }

    YamlList list(String key) {
        Entry entry = entry(key);
        return entry == null ? null : asList(entry.value(), key, problems);
    }

    // --- conversions of single nodes, shared with the provider settings reader ---

    /**
     * A single value on one line: names, paths, flags and settings end up in unit files, command lines and
     * messages, where a line break or another control character would change what they mean.
     */
    static String asString(YamlNode node, String key, Problems problems) {
        YamlScalar scalar = asScalar(node, key, problems);
        return scalar == null || !isOneLine(scalar, key, problems) ? null : scalar.text();
    }

    /** A single value that may span lines (file contents, variables). */
    static String asText(YamlNode node, String key, Problems problems) {
        YamlScalar scalar = asScalar(node, key, problems);
        return scalar == null ? null : scalar.text();
    }

    static YamlScalar asScalar(YamlNode node, String key, Problems problems) {
        if (node instanceof YamlScalar scalar && !scalar.isNull()) {
            return scalar;
        }
        problems.add(node.position(), "'" + key + "' must be a single value, got " + node.kindName(),
                "write '" + key + ": VALUE' on one line");
        return null;
    }

    /** Reports the first control character (line break, tab, escape, ...) of a value that must be one line. */
    static boolean isOneLine(YamlScalar scalar, String key, Problems problems) {
        int bad = Problems.controlCharacter(scalar.text());
        if (bad < 0) {
            return true;
        }
        problems.add(scalar.positions(List.of()).apply(bad),
                "'" + key + "' holds " + Problems.describeCharacter(scalar.text().charAt(bad)) + ": this value must be one line",
                "remove it: values here are written into unit files, command lines or names"
                        + (scalar.style() == YamlScalar.Style.LITERAL || scalar.style() == YamlScalar.Style.FOLDED
                                ? "; a block scalar (| or >) ends with a line break unless written |- or >-" : ""));
        return false;
    }

    static Boolean asBoolean(YamlNode node, String key, Problems problems) {
        if (node instanceof YamlScalar scalar && scalar.type() == YamlScalar.Type.BOOLEAN) {
            return Boolean.parseBoolean(scalar.text());
        }
        problems.add(node.position(), "'" + key + "' must be true or false, got " + describe(node), "write " + key + ": true or " + key + ": false");
        return null;
    }

    static Long asLong(YamlNode node, String key, Problems problems) {
        if (node instanceof YamlScalar scalar && scalar.type() == YamlScalar.Type.INTEGER) {
            try {
                return Long.parseLong(scalar.text());
            } catch (NumberFormatException e) {
                // too large: reported below like any other non-integer
            }
        }
        problems.add(node.position(), "'" + key + "' must be a whole number, got " + describe(node), "e.g. " + key + ": 3");
        return null;
    }

    static Duration asDuration(YamlNode node, String key, Problems problems) {
        Duration value = node instanceof YamlScalar scalar && scalar.type() != YamlScalar.Type.NULL ? Durations.parse(scalar.text()) : null;
        if (value == null) {
            problems.add(node.position(), "'" + key + "' must be a duration, got " + describe(node), Durations.HINT);
        }
        return value;
    }

    static YamlMap asMap(YamlNode node, String key, Problems problems) {
        if (node instanceof YamlMap map) {
            return map;
        }
        problems.add(node.position(), "'" + key + "' must be a map, got " + describe(node), "write 'name: value' lines indented under '" + key + ":'");
        return null;
    }

    static YamlList asList(YamlNode node, String key, Problems problems) {
        if (node instanceof YamlList list) {
            return list;
        }
        problems.add(node.position(), "'" + key + "' must be a list, got " + describe(node), "write [a, b] or '- item' lines under '" + key + ":'");
        return null;
    }

    static List<String> asStringList(YamlNode node, String key, Problems problems) {
        YamlList list = asList(node, key, problems);
        if (list == null) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        boolean ok = true;
        for (YamlNode item : list.items()) {
            String value = asString(item, key + " item", problems);
            ok &= value != null;
            strings.add(value);
        }
        return ok ? strings : null;
    }

    /** e.g. {@code a string 'three'}, {@code a list}. */
    static String describe(YamlNode node) {
        if (node instanceof YamlScalar scalar && !scalar.isNull()) {
            return scalar.kindName() + " '" + Problems.shown(scalar.text()) + "'";
        }
        return node.kindName();
    }
}
