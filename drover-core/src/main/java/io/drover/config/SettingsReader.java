package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlMap;
import io.drover.spi.Setting;
import io.drover.spi.SettingProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Validates a {@code provider:} block against the settings a {@link io.drover.spi.ProviderFactory} declares, so
 * providers never parse YAML: unknown keys, kinds, required keys, defaults.
 */
final class SettingsReader {
    private final Problems problems;

    SettingsReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param map the block, or {@code null} when absent (defaults and required keys still apply)
     * @param ignored keys handled elsewhere ({@code type})
     * @return setting name to a value of the kind's Java type (String, Long, Boolean, Duration, List, Map)
     */
    Map<String, Object> read(YamlMap map, SourcePosition where, String what, List<Setting> settings, Set<String> ignored) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Entry> entries = map == null ? Map.of() : map.entries();
        List<String> names = settings.stream().map(Setting::name).toList();
        for (Entry entry : entries.values()) {
            if (!ignored.contains(entry.key()) && !names.contains(entry.key())) {
                problems.add(entry.keyPosition(), "unknown key '" + Problems.shown(entry.key()) + "' in " + what,
                        () -> Problems.suggest(entry.key(), names));
            }
        }
        for (Setting setting : settings) {
            Entry entry = entries.get(setting.name());
            if (entry == null || (entry.value() instanceof YamlNode.YamlScalar s && s.isNull())) {
                if (setting.required()) {
                    problems.add(entry == null ? where : entry.keyPosition(), "missing required key '" + setting.name() + "' in " + what,
                            "add '" + setting.name() + ":' (" + setting.description() + ")");
                } else if (setting.defaultValue() != null) {
                    values.put(setting.name(), setting.defaultValue());
                }
                continue;
            }
            Object value = convert(setting, entry.value());
            if (value != null) {
                values.put(setting.name(), value);
            }
        }
        return values;
    }

    /**
     * Reads a block like {@link #read} and, when its keys and kinds are right, lets the provider check the values
     * ({@link io.drover.spi.ProviderFactory#validate}); what it finds is reported at the value it is about.
     *
     * @param check the provider's check of the values read
     */
    Map<String, Object> readAndCheck(YamlMap map, SourcePosition where, String what, List<Setting> settings, Set<String> ignored,
            Function<Map<String, Object>, List<SettingProblem>> check) {
        int before = problems.size();
        Map<String, Object> values = read(map, where, what, settings, ignored);
        if (problems.size() == before) {
            for (SettingProblem problem : check.apply(java.util.Collections.unmodifiableMap(values))) {
                Entry entry = map == null ? null : map.entries().get(problem.key());
                problems.add(entry == null ? where : entry.value().position(),
                        "bad value for '" + problem.key() + "' in " + what + ": " + problem.message(), problem.hint());
            }
        }
        return values;
    }

    private Object convert(Setting setting, YamlNode node) {
        String key = setting.name();
        return switch (setting.kind()) {
            case STRING -> MapReader.asString(node, key, problems);
            case INTEGER -> MapReader.asLong(node, key, problems);
            case BOOLEAN -> MapReader.asBoolean(node, key, problems);
            case DURATION -> MapReader.asDuration(node, key, problems);
            case STRING_LIST -> {
                List<String> list = MapReader.asStringList(node, key, problems);
                yield list == null ? null : List.copyOf(list);
            }
            case STRING_MAP -> {
                YamlMap map = MapReader.asMap(node, key, problems);
                if (map == null) {
                    yield null;
                }
                Map<String, String> strings = new LinkedHashMap<>();
                for (Entry entry : map.entries().values()) {
                    String value = MapReader.asString(entry.value(), entry.key(), problems);
                    if (value != null) {
                        strings.put(entry.key(), value);
                    }
                }
                yield java.util.Collections.unmodifiableMap(strings);
            }
        };
    }
}
