package io.drover.config;

import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.Setting.Kind;
import io.drover.spi.SettingProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /** The cloud wants an http(s) endpoint, like a real one would check before opening a session. */
    @Override
    public List<SettingProblem> validate(Map<String, Object> settings) {
        if (settings.get("endpoint") instanceof String endpoint && !endpoint.matches("https?://.+")) {
            return List.of(new SettingProblem("endpoint", "'" + endpoint + "' is not an http or https URL", "e.g. https://cloud.example:5000/v3"));
        }
        return List.of();
    }

    @Override
    public List<SettingProblem> validateCluster(Map<String, Object> options) {
        if (options.get("volumeGb") instanceof Long gb && gb > 1000) {
            return List.of(new SettingProblem("volumeGb", "volumes have at most 1000 GB, got " + gb, "set volumeGb to 1000 or less"));
        }
        return List.of();
    }

    @Override
    public Provider open(ProviderContext context) {
        throw new UnsupportedOperationException("the loader never opens providers");
    }
}
