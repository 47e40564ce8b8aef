package io.drover.testkit;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import java.util.List;
import java.util.Objects;

/**
 * {@code provider: {type: memory}}: sessions with one {@link MemoryCloud}. Not registered with the
 * {@link java.util.ServiceLoader} (no user should find it): tests hand it to the herd loader and the engine
 * themselves, and keep the cloud to look behind the provider's back.
 */
public final class MemoryProviderFactory implements ProviderFactory {
    public static final String TYPE = "memory";

    private final MemoryCloud cloud;

    /** A factory of a new cloud with the defaults of {@link MemoryCloud#create()}. */
    public MemoryProviderFactory() {
        this(MemoryCloud.create());
    }

    public MemoryProviderFactory(MemoryCloud cloud) {
        this.cloud = Objects.requireNonNull(cloud, "cloud");
    }

    public MemoryCloud cloud() {
        return cloud;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "servers in memory (tests and benchmarks)";
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public java.util.Set<io.drover.spi.Capability> capabilities() {
        return cloud.capabilities();
    }

    @Override
    public io.drover.spi.Limits limits() {
        return cloud.limits();
    }

    @Override
    public Provider open(ProviderContext context) {
        return cloud.open(context.herd());
    }
}
