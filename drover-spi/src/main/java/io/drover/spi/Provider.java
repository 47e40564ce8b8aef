package io.drover.spi;

import java.util.List;

/**
 * A session with one cloud for one herd. Providers create, list and destroy servers and the few cluster-wide
 * resources a cloud needs (server groups, security groups); they know nothing about plans, state or health: the
 * engine decides what to do and calls these, possibly from several threads at once, but never two calls about the
 * same server name at the same time (one engine runs per herd, under the state lock).
 *
 * <p>Every resource a provider creates carries the {@link Tags} it is given, so that {@link #list()} finds
 * it again even when Drover crashed before saving its state ("adoption" instead of a duplicate). A session sees
 * its own herd only: another herd's servers, reservations and clusters in the same cloud (or the same local root)
 * are neither listed, nor used, nor swept.
 *
 * <p>Errors are {@link ProviderException}s, typed by {@link ProviderException#retryable()}: bad input (an unknown
 * image, a setting the cloud rejects) is not retryable; what may pass (a timeout, a 5xx, a create under way
 * elsewhere) is. The provider contract suite ({@code io.drover.testkit.ProviderContract}) holds every provider to
 * each promise made here; a new provider runs it by extending it.
 *
 * <p>Life of a session: {@link ProviderFactory#open} makes one, {@link #close} ends it. It may last for days (heal,
 * serve): credential and token refresh, reconnects and a cloud's request budget are the provider's job, inside each
 * call. Calls block until done or failed; the engine bounds them with its own deadlines and ends one by interrupting
 * its thread. A call that is interrupted stops waiting, leaves what it made for {@link #destroy} or {@link #sweep}
 * (as a failed create does), and throws {@link ProviderException#interrupted}: never a retryable error, which would
 * have the engine try again what it meant to stop.
 *
 * <p>What the engine checks before a call: tags and user data within {@link ProviderFactory#limits()}; reserve,
 * release, sweep and reboot only when {@link ProviderFactory#capabilities()} declares them.
 */
public interface Provider extends AutoCloseable {

    /**
     * Resolves an image to the cloud's image and a content digest; the same image resolves to the same digest every
     * time. A {@link ImageSource.Named} image the cloud does not have is a non-retryable error naming it. A
     * {@link ImageSource.Baked} image (only asked of providers that declare {@link Capability#BAKED_IMAGES}) is
     * uploaded the first time, or found by its digest when it was uploaded before, and resolves to its own digest; one
     * that lacks the files this cloud boots (a VM cloud needs its disk) is a non-retryable error saying what to bake.
     */
    Image resolveImage(ImageSource source) throws ProviderException;

    /** {@link #resolveImage(ImageSource)} of a name the cloud knows. */
    default Image resolveImage(String reference) throws ProviderException {
        return resolveImage(new ImageSource.Named(reference));
    }

    /**
     * Creates one server and starts it, or adopts the server of that name when an earlier run created it and died
     * before recording it. Returns a {@link Instance.Status#RUNNING} server or throws; health is the engine's
     * business.
     *
     * <ul>
     *   <li>A new server first gets its network identity (the address {@link #reserve}d for the name, if any), then
     *       {@code request.userData()} is asked, exactly once, for the first-boot config rendered for that identity,
     *       then the server boots. Its {@link Instance#tags()} are the request's tags plus {@link Tags#HERD} (and
     *       {@link Tags#CLUSTER} if the request has none).
     *   <li>A running server of this herd with that name (once the cloud is done building it) is returned as it is;
     *       its user data is not rendered again.
     *   <li>A dead one (stopped, in error, or the remains of a create whose process was killed) is deleted and built
     *       anew, on the same address when the provider can keep it.
     *   <li>A create of a name that another live process is creating right now may fail, retryably.
     *   <li>A create that fails leaves no server behind; other leftovers (a port, a reservation) go with
     *       {@link #destroy} or {@link #sweep}.
     * </ul>
     */
    Instance create(LaunchRequest request) throws ProviderException;

    /**
     * Gives a server its network identity before it is created, so that its peers' first-boot configs can
     * name it (a static etcd {@code --initial-cluster}). A later {@link #create} of the same name uses it.
     * Idempotent: reserving a name again gives the same endpoint, and so does reserving the name of a server that
     * exists (its address). A reservation is not a server: {@link #list()} does not show it. Only called when the
     * factory declares {@link Capability#RESERVATIONS}; the engine grows the clusters of other providers one member at
     * a time. Providers that cannot do this keep the default, which returns empty (and ignore {@link #release} and
     * {@link #sweep}).
     */
    default java.util.Optional<Endpoint> reserve(String cluster, String name, java.util.Map<String, String> tags)
            throws ProviderException {
        return java.util.Optional.empty();
    }

    /**
     * {@link #reserve(String, String, java.util.Map)} for a server going to {@code placement}: what the engine calls. A
     * provider that declares {@link Capability#PREFERRED_ADDRESSES} reserves {@link Placement#address()} when it is given
     * and free; the default ignores the placement.
     */
    default java.util.Optional<Endpoint> reserve(String cluster, String name, java.util.Map<String, String> tags, Placement placement)
            throws ProviderException {
        return reserve(cluster, name, tags);
    }

    /**
     * Gives back a reservation that will not be used. Idempotent; a name that was never reserved, or whose server
     * exists (the server keeps its address), is left as it is.
     */
    default void release(String name) throws ProviderException {}

    /**
     * Deletes what interrupted operations of this herd left behind (an unattached port, a reservation) except
     * what belongs to the servers named in {@code keep}. Never deletes a server (dead servers are listed, and the
     * engine deletes them), nor anything of another herd. The engine calls it after an apply that completed, when
     * no create of this herd is under way.
     */
    default void sweep(java.util.Set<String> keep) throws ProviderException {}

    /**
     * Every server of this herd that really exists, whatever Drover's state says, with an honest status: a create
     * under way is {@link Instance.Status#BUILDING} (or not listed yet); a server whose create was interrupted is
     * BUILDING only while the cloud itself goes on building it, never because nobody finished it.
     */
    List<Instance> list() throws ProviderException;

    /**
     * How long a listing stays good enough for {@code drover heal}'s steady passes, which come several a second:
     * a cloud API has a request budget (heal then lists about once per interval), a local listing costs nothing.
     * Health checks still run every pass; heal lists anew before it acts.
     */
    default java.time.Duration refreshInterval() {
        return java.time.Duration.ZERO;
    }

    /**
     * Destroys a server and waits until it is gone: {@link #list()} no longer shows it when this returns, and what
     * the provider made for it (a port, an address lease) is gone too. Destroying a server that does not exist (any
     * more) is not an error.
     */
    void destroy(String instanceId) throws ProviderException;

    /**
     * Restarts a running server in place, as a reboot does: its services stop and start again from what is on its
     * disks; its name, address, tags and disks stay, and its first-boot config is not rendered again. Returns once it
     * runs again. The engine asks for it only when a restart is known to end a stall that waiting would end much later
     * (an etcd member that joined from a snapshot and waits out a timeout before it serves). A provider whose servers take longer
     * to reboot than that wait (a cloud VM) does not declare {@link Capability#REBOOT}, and the engine never asks; the
     * default returns false and does nothing. A server that is not running is an error.
     */
    default boolean reboot(String instanceId) throws ProviderException {
        return false;
    }

    /**
     * The last lines the server's software wrote (its services' logs, a VM's console), so that an error saying a server
     * did not become healthy can say why: an etcd member that exits at start only says so in its log. At most
     * {@code lines} lines, oldest first, each prefixed with where it came from when there are several sources. Never
     * fails: a log that cannot be read gives nothing. The default knows no log.
     */
    default List<String> bootLog(String instanceId, int lines) {
        return List.of();
    }

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

    /**
     * The herd's load balancers on this cloud ({@code loadBalancer:} on a cluster); empty when the provider has none.
     * Called once per session; the same object is fine.
     */
    default java.util.Optional<LoadBalancers> loadBalancers() {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {}
}
