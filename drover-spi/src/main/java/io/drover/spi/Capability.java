package io.drover.spi;

/**
 * What a provider can do beyond the calls every provider answers, declared once on its {@link ProviderFactory}: the
 * engine reads these instead of trying a call to find out, and the provider contract suite runs the tests of each
 * declared capability (and the "says so" tests of each one not declared).
 */
public enum Capability {
    /**
     * {@link Provider#reserve} gives addresses ahead of creates, so an etcd cluster bootstraps all its members at once.
     * Without it the engine never calls reserve, release or sweep, and grows such clusters one member at a time.
     */
    RESERVATIONS,
    /** {@link Instance#drift()} reports servers changed behind the provider's back. */
    DRIFT,
    /** {@link Provider#ensureCluster} makes cluster-wide resources that {@link Provider#listClusters} finds. */
    CLUSTER_RESOURCES,
    /**
     * {@link Provider#reboot} restarts a running server in place, quicker than an etcd member stalled after joining from
     * a snapshot waits out its timeout. Without it the engine never asks for a reboot and waits.
     */
    REBOOT,
    /** {@link Provider#resolveImage} takes {@link ImageSource.Baked} images (it uploads or mounts their files). */
    BAKED_IMAGES,
    /**
     * {@link Provider#create} and {@link Provider#reserve(String, String, java.util.Map, Placement)} give a server the
     * {@link Placement#address()} asked for when it is free (after a restore, the address the slot's destroyed server
     * had, so clients' endpoints stay valid). Without it the engine never asks, and a restored cluster's members come
     * back on whatever addresses the provider gives.
     */
    PREFERRED_ADDRESSES
}
