package io.drover.spi;

import java.util.List;

/**
 * Entry point of a provider, found through {@link java.util.ServiceLoader}. Adding a cloud means adding
 * a jar with one of these in {@code META-INF/services/io.drover.spi.ProviderFactory}; no engine code changes.
 * What a provider author implements, and what the contract suite checks, is told in {@code docs/providers.md}.
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

    /**
     * What this provider can do beyond the calls every provider answers. The engine reads this rather than trying a
     * call to find out; the contract suite runs the tests of what is declared. The default: none.
     */
    default java.util.Set<Capability> capabilities() {
        return java.util.Set.of();
    }

    /**
     * What the cloud accepts in tags and user data. The engine checks every server's tags and rendered first-boot
     * config against these before it hands them to the provider, and refuses the apply with one message saying what
     * is too long or holds a character the cloud refuses. The default: no limits.
     */
    default Limits limits() {
        return Limits.NONE;
    }

    /**
     * Opens a session with the cloud. A session may live as long as the process: a command opens one and closes it at
     * its end, but {@code drover heal} and {@code drover serve} keep theirs for days. Everything a long-lived session
     * needs is the provider's job: a token that expires is renewed (and a call that failed because it had expired is
     * tried again once with a new one), credentials read from files or the environment are read again when they change,
     * connections are re-opened. The engine never opens a second session to get fresh credentials.
     */
    Provider open(ProviderContext context) throws ProviderException;
}
