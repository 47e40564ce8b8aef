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
 */
public record AppliedHerd(String text, Map<String, String> localFiles, String digest) {
    public AppliedHerd {
        Objects.requireNonNull(text, "text");
        localFiles = Collections.unmodifiableMap(new LinkedHashMap<>(localFiles == null ? Map.of() : localFiles));
    }
}
