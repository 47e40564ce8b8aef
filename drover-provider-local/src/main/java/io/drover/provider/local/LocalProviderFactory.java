package io.drover.provider.local;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import java.util.List;

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

    @Override
    public Provider open(ProviderContext context) throws ProviderException {
        return new LocalProvider(context.herd(), LocalSettings.from(context), BoundAddresses::read);
    }
}
