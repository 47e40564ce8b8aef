package io.drover.config;

import io.drover.render.FirstBoot;
import java.util.List;
import java.util.Map;

/**
 * A set of identical servers: same image, same first-boot config (templated per server), same role.
 *
 * @param image the image reference, resolved by the provider
 * @param maxUnavailable how many servers a rolling replacement may take down at once
 * @param dependsOn clusters that must be applied first (also implied by {@code ${clusters.X...}} references)
 * @param etcd options of a {@code role: etcd} cluster, {@link EtcdOptions#DEFAULT} otherwise
 * @param providerOptions the cluster's {@code provider:} block, validated against the provider's cluster settings
 * @param antiAffinity spread servers over distinct hosts where the cloud can
 * @param userData the form the image reads its first-boot config in: Ignition (Flatcar, CoreOS, the local
 *     provider) or cloud-init (Debian, Ubuntu cloud images)
 * @param provider the name of the provider it runs on ({@link Herd#providers()}); null for the herd's first
 * @param loadBalancer the load balancer in front of the servers, or null for none
 * @param spares servers kept running beside the {@code size} members, ready to take a failed member's place (etcd: a
 *     learner; plain: a server outside the load balancer's pool); 0 or 1 for etcd, whose 3.4 allows one learner
 */
public record Cluster(
        String name, int size, Role role, String image, int maxUnavailable, List<String> dependsOn,
        EtcdOptions etcd, HealthCheck health, FirstBoot firstBoot, Map<String, Object> providerOptions,
        boolean antiAffinity, SourcePosition position, UserDataFormat userData, String provider, LoadBalancerSpec loadBalancer,
        int spares) {

    /** The first-boot config forms an image may read. */
    public enum UserDataFormat { IGNITION, CLOUD_INIT }

    public Cluster {
        dependsOn = List.copyOf(dependsOn);
        providerOptions = Map.copyOf(providerOptions);
        if (spares < 0) {
            throw new IllegalArgumentException("spares must not be negative: " + spares);
        }
    }

    /** A cluster without spares. */
    public Cluster(
            String name, int size, Role role, String image, int maxUnavailable, List<String> dependsOn,
            EtcdOptions etcd, HealthCheck health, FirstBoot firstBoot, Map<String, Object> providerOptions,
            boolean antiAffinity, SourcePosition position, UserDataFormat userData, String provider, LoadBalancerSpec loadBalancer) {
        this(name, size, role, image, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions, antiAffinity, position,
                userData, provider, loadBalancer, 0);
    }

    /** Whether the slot holds a spare: spares take the slots after the members', {@code size} to {@code size + spares - 1}. */
    public boolean isSpareSlot(int slot) {
        return slot >= size && slot < size + spares;
    }

    /** This cluster with {@code count} spares. */
    public Cluster withSpares(int count) {
        return new Cluster(name, size, role, image, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions,
                antiAffinity, position, userData, provider, loadBalancer, count);
    }

    /** A cluster without a load balancer. */
    public Cluster(
            String name, int size, Role role, String image, int maxUnavailable, List<String> dependsOn,
            EtcdOptions etcd, HealthCheck health, FirstBoot firstBoot, Map<String, Object> providerOptions,
            boolean antiAffinity, SourcePosition position, UserDataFormat userData, String provider) {
        this(name, size, role, image, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions, antiAffinity, position,
                userData, provider, null);
    }

    /** A cluster on the herd's first provider. */
    public Cluster(
            String name, int size, Role role, String image, int maxUnavailable, List<String> dependsOn,
            EtcdOptions etcd, HealthCheck health, FirstBoot firstBoot, Map<String, Object> providerOptions,
            boolean antiAffinity, SourcePosition position, UserDataFormat userData) {
        this(name, size, role, image, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions, antiAffinity, position,
                userData, null);
    }

    /** This cluster running another image reference. */
    public Cluster withImage(String reference) {
        return new Cluster(name, size, role, reference, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions,
                antiAffinity, position, userData, provider, loadBalancer, spares);
    }

    /** The name of the herd-file image this cluster runs ({@code image: ${images.NAME}}), or {@code null}. */
    public String bakedImage() {
        return ImageSpec.referencedName(image);
    }

    /** A cluster whose image reads Ignition (the default). */
    public Cluster(
            String name, int size, Role role, String image, int maxUnavailable, List<String> dependsOn,
            EtcdOptions etcd, HealthCheck health, FirstBoot firstBoot, Map<String, Object> providerOptions,
            boolean antiAffinity, SourcePosition position) {
        this(name, size, role, image, maxUnavailable, dependsOn, etcd, health, firstBoot, providerOptions, antiAffinity, position,
                UserDataFormat.IGNITION, null);
    }
}
