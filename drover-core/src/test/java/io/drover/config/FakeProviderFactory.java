package io.drover.config;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.Setting.Kind;
import java.time.Duration;
import java.util.List;

/** A provider that only declares settings: the loader validates against them and never opens it. */
record FakeProviderFactory(String type, List<Setting> settings, List<Setting> clusterSettings) implements ProviderFactory {

    /** Like the local provider: nothing required, so a herd file without a provider block is valid. */
    static final FakeProviderFactory LOCAL = new FakeProviderFactory("local",
            List.of(Setting.optional("addresses", Kind.STRING, "127.0.10.0/24", "loopback range for servers")),
            List.of());

    /** A cloud with one setting of every kind. */
    static final FakeProviderFactory CLOUD = new FakeProviderFactory("cloud",
            List.of(
                    Setting.required("endpoint", Kind.STRING, "the API URL"),
                    Setting.optional("timeout", Kind.DURATION, Duration.ofSeconds(30), "API call budget"),
                    Setting.optional("retries", Kind.INTEGER, 3L, "API call attempts"),
                    Setting.optional("insecure", Kind.BOOLEAN, false, "skip TLS verification"),
                    Setting.optional("regions", Kind.STRING_LIST, null, "regions to use"),
                    Setting.optional("labels", Kind.STRING_MAP, null, "extra labels")),
            List.of(
                    Setting.required("flavor", Kind.STRING, "server size"),
                    Setting.optional("volumeGb", Kind.INTEGER, 10L, "root volume size")));

    static final List<ProviderFactory> ALL = List.of(LOCAL, CLOUD);

    @Override
    public String description() {
        return "test fake " + type;
    }

    @Override
    public Provider open(ProviderContext context) {
        throw new UnsupportedOperationException("the loader never opens providers");
    }
}
