package io.drover.state;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A server Drover created and still owns, as recorded in the state.
 *
 * @param resource the slot it fills, e.g. {@code etcd[0]}
 * @param generation how many servers have filled this slot, this one included; part of the name
 * @param name unique, never reused within the slot, e.g. {@code etcd-0-2}
 * @param instanceId the provider's id
 * @param digest identity: image + first-boot config + role ({@code sha256:...}); a different desired digest means replace
 * @param imageDigest the image part of the identity, to explain a replacement
 * @param tainted it never became healthy after creation: the next plan replaces it
 * @param attributes role data, e.g. the etcd member id
 */
public record ServerRecord(
        String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
        String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes) {

    public ServerRecord {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        attributes = Map.copyOf(attributes);
    }

    public static String resource(String cluster, int slot) {
        return cluster + "[" + slot + "]";
    }

    public ServerRecord tainted(boolean value) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, value, attributes);
    }

    public ServerRecord withAttribute(String key, String value) {
        Map<String, String> copy = new HashMap<>(attributes);
        copy.put(key, value);
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, copy);
    }
}
