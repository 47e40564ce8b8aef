package io.drover.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A server as the cloud reports it.
 *
 * @param id the cloud's id (stable for the server's life)
 * @param name the name Drover gave it
 * @param ip the address other servers and Drover reach it on
 * @param tags the labels it was created with (see {@link Tags})
 * @param createdAt when the cloud created it
 */
public record Instance(String id, String name, String ip, Status status, Map<String, String> tags, Instant createdAt) {

    /** Coarse lifecycle as every cloud can report it. */
    public enum Status {
        /** Accepted, not running yet. */
        BUILDING,
        /** Running as far as the cloud can tell (its health is checked separately). */
        RUNNING,
        /** Exists but is not running (stopped, its processes died). */
        STOPPED,
        /** The cloud gave up on it. */
        ERROR
    }

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        tags = Map.copyOf(tags);
    }

    public String tag(String key) {
        return tags.get(key);
    }
}
