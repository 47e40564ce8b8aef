package io.drover.roles;

import io.drover.plan.Membership;
import io.drover.render.FirstBoot;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.util.List;
import java.util.Optional;

/**
 * What a cluster's role adds to the engine's generic create/replace/delete: extra first-boot config, and membership
 * bookkeeping for replicated datastores (etcd). Plain servers need none of it ({@link #PLAIN}).
 *
 * <p>Every method is idempotent and decides from what the cluster reports now, never from what Drover believed
 * before a crash: a call interrupted half-way is finished by calling it again.
 */
public interface ClusterRole {

    /**
     * Called once the provider knows the new server's endpoint, before it boots. Returns the role's first-boot
     * additions; may change the cluster (etcd: remove stale members, then add this one as a learner).
     */
    FirstBoot join(Endpoint self, Peers peers) throws Exception;

    /** Called once a joined server runs, before it counts as healthy (etcd: promote the learner once caught up). */
    void admit(ServerRecord joined, List<ServerRecord> live) throws Exception;

    /**
     * Asked about a joined server that is slow to become healthy: whether the cluster shows it stuck in a way that a
     * restart of its services ends at once while waiting would take long (etcd 3.4: a member that joined from a
     * snapshot and waits out its request timeout before it serves, see {@link EtcdRole#stuck}). Empty when it is not
     * stuck, or the role cannot tell; else why, for display.
     */
    default Optional<String> stuck(ServerRecord joined, List<ServerRecord> live) throws Exception {
        return Optional.empty();
    }

    /**
     * Makes a spare a full member in a failed member's place (etcd: promotes the learner, once it has caught up); the
     * failed member has left already. Idempotent: a spare already promoted is left as it is.
     */
    default void promote(ServerRecord spare, List<ServerRecord> live) throws Exception {}

    /** Called before a server of a cluster that lives on is destroyed (etcd: member remove, if quorum allows). */
    void leave(ServerRecord leaving, List<ServerRecord> survivors) throws Exception;

    /**
     * The cluster's own view of its members, asked of any of {@code candidates} that answers; empty when the role has
     * no membership or no candidate answers. Cheap enough for every plan.
     */
    Optional<Membership> membership(List<ServerRecord> candidates) throws InterruptedException;

    /**
     * The last step of an apply that changed the cluster: the membership must be exactly the recorded servers. Removes
     * members no recorded server stands for (when quorum allows), promotes recorded learners, and fails with
     * {@link ClusterMismatchException} naming what is still wrong.
     */
    void verify(List<ServerRecord> recorded) throws Exception;

    /** Whether membership changes must happen one at a time, whatever maxUnavailable says. */
    boolean serialMembershipChanges();

    /** Ports the cluster's servers must reach each other on. */
    List<Integer> ports();

    /**
     * The other servers of the cluster, as a new member joins.
     *
     * @param live servers believed alive and serving (recorded, healthy, not being removed)
     * @param bootstrap the static member list when the whole cluster is being created at once, else null
     * @param recorded every other server the state records for the cluster, dead or alive: a cluster that has members
     *     must never be started afresh next to them (that would fork it)
     */
    record Peers(List<ServerRecord> live, Bootstrap bootstrap, List<ServerRecord> recorded) {
        public Peers {
            live = List.copyOf(live);
            recorded = List.copyOf(recorded);
        }
    }

    /** Names and peer endpoints of a cluster created all at once, known before any member boots. */
    record Bootstrap(List<Endpoint> members) {
        public Bootstrap {
            members = List.copyOf(members);
        }
    }

    /** The role of {@code role: plain} clusters: nothing to add. */
    ClusterRole PLAIN = new ClusterRole() {
        @Override
        public FirstBoot join(Endpoint self, Peers peers) {
            return FirstBoot.EMPTY;
        }

        @Override
        public void admit(ServerRecord joined, List<ServerRecord> live) {}

        @Override
        public void leave(ServerRecord leaving, List<ServerRecord> survivors) {}

        @Override
        public Optional<Membership> membership(List<ServerRecord> candidates) {
            return Optional.empty();
        }

        @Override
        public void verify(List<ServerRecord> recorded) {}

        @Override
        public boolean serialMembershipChanges() {
            return false;
        }

        @Override
        public List<Integer> ports() {
            return List.of();
        }
    };
}
