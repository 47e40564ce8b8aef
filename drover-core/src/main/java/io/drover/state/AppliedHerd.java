package io.drover.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The herd file (and the local files it names) as last applied. {@code drover heal} rebuilds servers from this, never
 * from a herd file that may have been edited since: heal keeps what was applied, and only apply rolls a change.
 *
 * @param digest sha256 over the text and files, to tell cheaply whether the applied herd changed
 * @param identities by server identity digest: what that identity covers, flattened ({@code etcd.flags.X -> 1000}), so
 *     that a plan can show what changed since; empty in states written before Drover recorded it
 */
public record AppliedHerd(String text, Map<String, String> localFiles, String digest, Map<String, Map<String, String>> identities) {
    public AppliedHerd {
        Objects.requireNonNull(text, "text");
        localFiles = Collections.unmodifiableMap(new LinkedHashMap<>(localFiles == null ? Map.of() : localFiles));
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (identities != null) {
            identities.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        }
        identities = Collections.unmodifiableMap(copy);
    }

    /** An applied herd with no identities recorded. */
    public AppliedHerd(String text, Map<String, String> localFiles, String digest) {
        this(text, localFiles, digest, Map.of());
    }

    public AppliedHerd withIdentities(Map<String, Map<String, String>> newIdentities) {
        return new AppliedHerd(text, localFiles, digest, newIdentities);
    }
}
