package io.drover.spi;

import java.util.Objects;

/**
 * A setting whose value is wrong, as a provider sees it (see {@link ProviderFactory#validate}).
 *
 * @param key the setting, e.g. {@code addresses}
 * @param message what is wrong, e.g. "prefix length 33 is larger than 32"
 * @param hint how to fix it, e.g. "use a range like 127.0.10.0/24"
 */
public record SettingProblem(String key, String message, String hint) {
    public SettingProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
    }
}
