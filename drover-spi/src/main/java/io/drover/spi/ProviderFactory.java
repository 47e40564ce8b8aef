package io.drover.spi;

import java.util.List;

/**
 * Entry point of a provider, found through {@link java.util.ServiceLoader}. Adding a cloud means adding
 * a jar with one of these in {@code META-INF/services/io.drover.spi.ProviderFactory}; no engine code changes.
 */
public interface ProviderFactory {

    /** The value of {@code provider.type} in a herd file that selects this provider, e.g. {@code local}. */
    String type();

    /** One line for {@code drover providers} and error messages. */
    String description();

    /**
     * The keys this provider accepts in the herd file's {@code provider:} block. The engine validates the
     * block against them (unknown keys, types, required keys) and reports problems with file positions,
     * so providers never parse YAML themselves.
     */
    List<Setting> settings();

    /** The keys this provider accepts in a cluster's {@code provider:} block (flavor, network, ...). */
    default List<Setting> clusterSettings() {
        return List.of();
    }

    /**
     * Checks the values of a validated {@code provider:} block beyond their types (an address range that does not
     * parse, a URL without a scheme), so that {@code drover validate} finds what {@code plan} would refuse. Each
     * problem names the offending key; the engine adds the file position. Never opens a session.
     *
     * @param settings the block's values, as {@link ProviderContext#settings()} will hold them
     */
    default java.util.List<SettingProblem> validate(java.util.Map<String, Object> settings) {
        return java.util.List.of();
    }

    /** Like {@link #validate}, for a cluster's {@code provider:} block. */
    default java.util.List<SettingProblem> validateCluster(java.util.Map<String, Object> options) {
        return java.util.List.of();
    }

    /** Opens a session with the cloud. Called once per command; the provider is closed at the end. */
    Provider open(ProviderContext context) throws ProviderException;
}
