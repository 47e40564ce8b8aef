package io.drover.spi;

import java.util.List;

/**
 * A session with one cloud. Providers create, list and destroy servers and the few cluster-wide resources a
 * cloud needs (server groups, security groups); they know nothing about plans, state or health: the engine
 * decides what to do and calls these one at a time, possibly from several threads at once.
 *
 * <p>Every resource a provider creates carries the {@link Tags} it is given, so that {@link #list()} finds
 * it again even when Drover crashed before saving its state ("adoption" instead of a duplicate).
 */
public interface Provider extends AutoCloseable {

    /** Resolves an image reference from the herd file to the cloud's image and a content digest. */
    Image resolveImage(String reference) throws ProviderException;

    /**
     * Creates (or adopts, when a server tagged with the same name already exists) one server and starts it.
     * The provider first gives the server its network identity, then asks {@code request.userData()} for the
     * first-boot config rendered for that identity, then boots it. Returns once the cloud has accepted the
     * server and it is {@link Instance.Status#RUNNING} (or failed); health is the engine's business.
     */
    Instance create(LaunchRequest request) throws ProviderException;

    /**
     * Gives a server its network identity before it is created, so that its peers' first-boot configs can
     * name it (a static etcd {@code --initial-cluster}). A later {@link #create} of the same name uses it.
     * Providers that cannot do this return empty, and the engine grows such clusters one member at a time.
     */
    default java.util.Optional<Endpoint> reserve(String cluster, String name, java.util.Map<String, String> tags)
            throws ProviderException {
        return java.util.Optional.empty();
    }

    /** Gives back a reservation that will not be used (idempotent). */
    default void release(String name) throws ProviderException {}

    /**
     * Deletes what interrupted operations of this herd left behind (an unattached port, a reservation) except
     * what belongs to the servers named in {@code keep}. The engine calls it after an apply that completed, when
     * no create of this herd is under way.
     */
    default void sweep(java.util.Set<String> keep) throws ProviderException {}

    /** Every server of this herd that really exists, whatever Drover's state says. */
    List<Instance> list() throws ProviderException;

    /**
     * How long a listing stays good enough for {@code drover heal}'s steady passes, which come several a second:
     * a cloud API has a request budget (heal then lists about once per interval), a local listing costs nothing.
     * Health checks still run every pass; heal lists anew before it acts.
     */
    default java.time.Duration refreshInterval() {
        return java.time.Duration.ZERO;
    }

    /** Destroys a server and waits until it is gone. Destroying a server that does not exist is not an error. */
    void destroy(String instanceId) throws ProviderException;

    /**
     * Makes sure the cluster-wide resources of one cluster exist (idempotent: creates or adopts them).
     * The default has none, like the local provider.
     */
    default void ensureCluster(ClusterRequest request) throws ProviderException {}

    /** Removes the cluster-wide resources of a cluster (idempotent). */
    default void destroyCluster(String cluster) throws ProviderException {}

    /** Names of the clusters whose cluster-wide resources exist (for orphan clean-up on destroy). */
    default List<String> listClusters() throws ProviderException {
        return List.of();
    }

    @Override
    default void close() {}
}
