package io.drover.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A server as the cloud reports it.
 *
 * @param id the cloud's id (stable for the server's life)
 * @param name the name Drover gave it
 * @param ip the peer address: the one the herd's servers reach each other on (etcd peer URLs, load balancer targets)
 * @param tags the labels it was created with (see {@link Tags}), unchanged for the server's life
 * @param createdAt when the cloud created it
 * @param drift what about the running server no longer matches what it was created from (a first-boot file
 *     changed by hand, say), or {@code null} when nothing does or the provider cannot tell. A drifted server is
 *     replaced: immutable servers are never repaired in place. The text is for display; its presence is what
 *     counts.
 * @param accessIp the access address: the one clients and the herd's outputs use (a floating or public IP on a cloud),
 *     or {@code null} when it is the peer address, as it is on clouds without such addresses
 */
public record Instance(
        String id, String name, String ip, Status status, Map<String, String> tags, Instant createdAt, String drift, String accessIp) {

    /** Coarse lifecycle as every cloud can report it. */
    public enum Status {
        /**
         * Accepted and still being built: by a create that is under way, or by the cloud itself after its creator
         * died. Never reported for a create that nobody will finish (that is {@link #STOPPED}).
         */
        BUILDING,
        /** Running as far as the cloud can tell (its health is checked separately). */
        RUNNING,
        /** Exists but is not running (stopped, its processes died, or its create was interrupted). */
        STOPPED,
        /** The cloud gave up on it. */
        ERROR
    }

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        tags = Map.copyOf(tags);
        if (drift != null && drift.isBlank()) {
            drift = null;
        }
        if (accessIp != null && (accessIp.isBlank() || accessIp.equals(ip))) {
            accessIp = null;
        }
    }

    /** A server whose access address is its peer address. */
    public Instance(String id, String name, String ip, Status status, Map<String, String> tags, Instant createdAt, String drift) {
        this(id, name, ip, status, tags, createdAt, drift, null);
    }

    /** A server that has not drifted (or whose provider cannot tell). */
    public Instance(String id, String name, String ip, Status status, Map<String, String> tags, Instant createdAt) {
        this(id, name, ip, status, tags, createdAt, null, null);
    }

    public String tag(String key) {
        return tags.get(key);
    }

    /** The address clients reach it on: {@link #accessIp} if it has one, else the peer address. */
    public String accessAddress() {
        return accessIp != null ? accessIp : ip;
    }

    /** What drifted, if anything did. */
    public Optional<String> drifted() {
        return Optional.ofNullable(drift);
    }

    /** The same server reported as drifted. */
    public Instance withDrift(String what) {
        return new Instance(id, name, ip, status, tags, createdAt, what, accessIp);
    }

    /** The same server with a distinct access address ({@code null}: none). */
    public Instance withAccessIp(String address) {
        return new Instance(id, name, ip, status, tags, createdAt, drift, address);
    }

    public Instance withStatus(Status newStatus) {
        return new Instance(id, name, ip, newStatus, tags, createdAt, drift, accessIp);
    }
}
