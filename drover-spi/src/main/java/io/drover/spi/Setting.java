package io.drover.spi;

import java.util.Objects;

/**
 * One key a provider accepts in a herd file, with enough metadata for validation, the JSON Schema and docs.
 *
 * @param defaultValue the value used when the key is absent, or {@code null} for none
 */
public record Setting(String name, Kind kind, boolean required, Object defaultValue, String description) {

    /** The YAML shapes a setting may take. */
    public enum Kind { STRING, INTEGER, BOOLEAN, DURATION, STRING_LIST, STRING_MAP }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    public static Setting optional(String name, Kind kind, Object defaultValue, String description) {
        return new Setting(name, kind, false, defaultValue, description);
    }

    public static Setting required(String name, Kind kind, String description) {
        return new Setting(name, kind, true, null, description);
    }
}
