package io.drover.config;

import java.util.Map;

/**
 * The herd file's {@code provider:} block.
 *
 * @param settings validated against the provider's declared settings, defaults filled in
 */
public record ProviderBlock(String type, Map<String, Object> settings, SourcePosition position) {
    public ProviderBlock {
        settings = Map.copyOf(settings);
    }
}
