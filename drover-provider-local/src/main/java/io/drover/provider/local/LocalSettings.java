package io.drover.provider.local;

import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local provider's settings, resolved against the context.
 *
 * @param root where servers live ({@code root/servers/NAME/})
 * @param java the java binary the supervisors run on
 * @param leases the machine-wide lease directory
 * @param herdDir the directory of the herd file (relative image paths are resolved against it)
 * @param environment the environment servers' supervisors inherit (only PATH and locale variables are passed on)
 */
record LocalSettings(AddressRange addresses, Path root, String java, Path leases, Path herdDir, Map<String, String> environment) {

    static final String ADDRESSES = "addresses";
    static final String ROOT = "root";
    static final String JAVA = "java";
    static final String DEFAULT_ADDRESSES = "127.0.0.2-127.0.0.254";
    static final String LEASES_ENV = "DROVER_LOCAL_LEASES";

    LocalSettings {
        environment = Map.copyOf(environment);
    }

    static LocalSettings from(ProviderContext context) throws ProviderException {
        Map<String, String> env = context.environment();
        Path workDir = context.workDir().toAbsolutePath().normalize();
        AddressRange addresses;
        try {
            addresses = AddressRange.parse(orDefault(context.string(ADDRESSES), DEFAULT_ADDRESSES));
        } catch (IllegalArgumentException e) {
            throw new ProviderException("provider.addresses: " + e.getMessage());
        }
        Path herdDir = workDir.getParent() == null ? workDir : workDir.getParent();
        String rootSetting = context.string(ROOT);
        // Two local providers of one herd must not share a root: each would list the other's servers as its own.
        String defaultRoot = ProviderContext.DEFAULT_NAME.equals(context.name()) ? "local" : "local-" + context.name();
        Path root = rootSetting == null || rootSetting.isBlank() ? workDir.resolve(defaultRoot) : herdDir.resolve(rootSetting).toAbsolutePath().normalize();
        String java = orDefault(context.string(JAVA), ProcessHandle.current().info().command().orElse("java"));
        return new LocalSettings(addresses, root, java, leaseDirectory(env), herdDir, env);
    }

    /** {@code $DROVER_LOCAL_LEASES}, else {@code ${XDG_STATE_HOME:-$HOME/.local/state}/drover/local-leases}. */
    static Path leaseDirectory(Map<String, String> env) {
        String explicit = env.get(LEASES_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String state = env.get("XDG_STATE_HOME");
        Path stateHome = state != null && Path.of(state).isAbsolute()
                ? Path.of(state)
                : Path.of(orDefault(env.get("HOME"), System.getProperty("user.home")), ".local", "state");
        return stateHome.resolve("drover").resolve("local-leases");
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
