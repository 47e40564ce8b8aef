package io.drover.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider is opened with.
 *
 * @param herd the herd's name; every resource the provider creates is tagged with it ({@link Tags#HERD})
 * @param settings the validated {@code provider:} block: keys of {@link ProviderFactory#settings()}, values of
 *     the matching Java types (String, Long, Boolean, java.time.Duration, List&lt;String&gt;, Map&lt;String,String&gt;),
 *     defaults filled in
 * @param workDir a directory the provider may keep files in ({@code .drover/} next to the herd file)
 * @param environment the process environment (for {@code OS_*} and the like), passed in so tests can set it
 * @param name the name the herd gives this provider ({@code default} for the one-provider form): a herd may use two
 *     providers of the same type (two clouds, two address ranges), whose files must not mix
 */
public record ProviderContext(String herd, Map<String, Object> settings, Path workDir, Map<String, String> environment, String name) {
    /** The name of a herd's only provider ({@code provider:}). */
    public static final String DEFAULT_NAME = "default";

    public ProviderContext {
        Objects.requireNonNull(herd, "herd");
        settings = Map.copyOf(settings);
        Objects.requireNonNull(workDir, "workDir");
        environment = Map.copyOf(environment);
        name = name == null ? DEFAULT_NAME : name;
    }

    /** The context of a herd's only provider. */
    public ProviderContext(String herd, Map<String, Object> settings, Path workDir, Map<String, String> environment) {
        this(herd, settings, workDir, environment, DEFAULT_NAME);
    }

    public String string(String key) {
        return (String) settings.get(key);
    }

    @SuppressWarnings("unchecked")
    public <T> T setting(String key, Class<T> type) {
        Object value = settings.get(key);
        return value == null ? null : type.cast(value);
    }
}
