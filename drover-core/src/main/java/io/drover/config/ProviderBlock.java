package io.drover.config;

import java.util.Map;

/**
 * One provider of the herd file: the {@code provider:} block (named {@value #DEFAULT_NAME}), or one entry of the
 * {@code providers:} map (named by its key).
 *
 * @param name how clusters and the state name it
 * @param settings validated against the provider's declared settings, defaults filled in
 */
public record ProviderBlock(String name, String type, Map<String, Object> settings, SourcePosition position) {
    /** The name of the provider a herd file declares with the one-provider form, {@code provider:}. */
    public static final String DEFAULT_NAME = "default";

    public ProviderBlock {
        settings = Map.copyOf(settings);
    }

    /** A provider declared with {@code provider:}. */
    public ProviderBlock(String type, Map<String, Object> settings, SourcePosition position) {
        this(DEFAULT_NAME, type, settings, position);
    }
}
