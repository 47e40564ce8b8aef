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
 * @param provider the name of the provider it lives on ({@code default} in the one-provider form); null in states
 *     written before herds could have several, meaning the herd's first provider
 */
public record ServerRecord(
        String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
        String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes, String provider) {

    public ServerRecord {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A server of the herd's first provider. */
    public ServerRecord(
            String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
            String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes) {
        this(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, attributes, null);
    }

    /** The provider it lives on, {@code fallback} (the herd's first) when the record predates named providers. */
    public String providerOr(String fallback) {
        return provider == null ? fallback : provider;
    }

    public ServerRecord onProvider(String newProvider) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted,
                attributes, newProvider);
    }

    public static String resource(String cluster, int slot) {
        return cluster + "[" + slot + "]";
    }

    public ServerRecord tainted(boolean value) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, value, attributes,
                provider);
    }

    public ServerRecord withAttribute(String key, String value) {
        Map<String, String> copy = new HashMap<>(attributes);
        copy.put(key, value);
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, copy,
                provider);
    }
}
