package io.drover.provider.local;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.SettingProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code local} provider: servers as supervised process groups on loopback addresses of this machine. */
public final class LocalProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return "local";
    }

    @Override
    public String description() {
        return "servers as process groups on this machine's loopback addresses (no cloud account, no root)";
    }

    /** Addresses are leased ahead; drift is a first-boot file changed by hand; a reboot restarts the supervisor. */
    @Override
    public java.util.Set<io.drover.spi.Capability> capabilities() {
        return java.util.EnumSet.of(io.drover.spi.Capability.RESERVATIONS, io.drover.spi.Capability.DRIFT,
                io.drover.spi.Capability.REBOOT, io.drover.spi.Capability.BAKED_IMAGES,
                io.drover.spi.Capability.PREFERRED_ADDRESSES);
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.optional(LocalSettings.ADDRESSES, Setting.Kind.STRING, LocalSettings.DEFAULT_ADDRESSES,
                        "loopback addresses for servers: a range like 127.0.0.2-127.0.0.254 or a CIDR block like 127.0.10.0/24, inside 127.0.0.0/8"),
                Setting.optional(LocalSettings.ROOT, Setting.Kind.STRING, null,
                        "directory the servers live in (relative to the herd file); default .drover/local next to the herd file"),
                Setting.optional(LocalSettings.JAVA, Setting.Kind.STRING, null,
                        "java binary that runs each server's supervisor; default the JVM running drover"));
    }

    /** What {@link #open} would refuse, found without touching the machine. */
    @Override
    public List<SettingProblem> validate(Map<String, Object> settings) {
        List<SettingProblem> problems = new ArrayList<>();
        if (settings.get(LocalSettings.ADDRESSES) instanceof String addresses) {
            try {
                AddressRange.parse(addresses);
            } catch (IllegalArgumentException e) {
                // parse names the value and adds the hint; its cause says what is wrong, which is what is shown here
                String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
                problems.add(new SettingProblem(LocalSettings.ADDRESSES, reason, AddressRange.HINT));
            }
        }
        if (settings.get(LocalSettings.ROOT) instanceof String root && !root.isBlank()) {
            if (root.startsWith("~")) {
                problems.add(new SettingProblem(LocalSettings.ROOT, "'" + root + "' starts with ~, which is not expanded",
                        "write an absolute path, or one relative to the herd file"));
            } else if (root.startsWith("/") && Path.of("/").resolve(root).normalize().getNameCount() == 0) {
                problems.add(new SettingProblem(LocalSettings.ROOT, "the servers cannot live in the file system's root",
                        "name a directory of their own, e.g. .drover/local (relative to the herd file)"));
            }
        }
        return problems;
    }

    @Override
    public Provider open(ProviderContext context) throws ProviderException {
        return new LocalProvider(context.herd(), LocalSettings.from(context), BoundAddresses.SYSTEM);
    }
}
