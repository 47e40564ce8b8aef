package io.drover.state;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param ip the peer address (etcd peer URLs, load balancer targets), see {@link io.drover.spi.Instance#ip}
 * @param accessIp the access address (outputs, clients), or {@code null} when it is the peer address; left out of
 *     the written state when null, so states stay as they were for servers without one and older states read as such
 * @param spare a hot spare of its cluster (an etcd learner, a server outside the load balancer's pool), in one of the
 *     slots after the members'; written only when true, so states without spares read and write as before
 */
public record ServerRecord(
        String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
        String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes, String provider,
        @JsonInclude(JsonInclude.Include.NON_NULL) String accessIp, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean spare) {

    public ServerRecord {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (accessIp != null && (accessIp.isBlank() || accessIp.equals(ip))) {
            accessIp = null;
        }
    }

    /** A server that is not a spare. */
    public ServerRecord(
            String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
            String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes, String provider,
            String accessIp) {
        this(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, attributes, provider,
                accessIp, false);
    }

    /** The same server, marked as a spare or not. */
    public ServerRecord asSpare(boolean value) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted,
                attributes, provider, accessIp, value);
    }

    /**
     * A spare promoted into a member's slot: it keeps its name, instance and identity, and fills {@code slot} from now on.
     */
    public ServerRecord promotedTo(int newSlot) {
        return new ServerRecord(resource(cluster, newSlot), cluster, newSlot, generation, name, instanceId, ip, digest, imageDigest,
                createdAt, tainted, attributes, provider, accessIp, false);
    }

    /** A server whose access address is its peer address. */
    public ServerRecord(
            String resource, String cluster, int slot, int generation, String name, String instanceId, String ip,
            String digest, String imageDigest, Instant createdAt, boolean tainted, Map<String, String> attributes, String provider) {
        this(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, attributes, provider, null);
    }

    /** The address clients and outputs use: {@link #accessIp} if it has one, else the peer address. */
    public String accessAddress() {
        return accessIp != null ? accessIp : ip;
    }

    public ServerRecord withAccessIp(String address) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted,
                attributes, provider, address, spare);
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
                attributes, newProvider, accessIp, spare);
    }

    public static String resource(String cluster, int slot) {
        return cluster + "[" + slot + "]";
    }

    public ServerRecord tainted(boolean value) {
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, value, attributes,
                provider, accessIp, spare);
    }

    public ServerRecord withAttribute(String key, String value) {
        Map<String, String> copy = new HashMap<>(attributes);
        copy.put(key, value);
        return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt, tainted, copy,
                provider, accessIp, spare);
    }
}
