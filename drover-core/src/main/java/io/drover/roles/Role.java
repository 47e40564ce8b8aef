package io.drover.roles;

import io.drover.render.FirstBoot;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.util.List;

/**
 * What a cluster's role adds to the engine's generic create/replace/delete: extra first-boot config, and
 * membership bookkeeping for replicated datastores. Plain servers need none of it.
 */
public interface Role {

    /**
     * Called once the provider knows the new server's endpoint, before it boots. Returns the role's first-boot
     * additions; may change the cluster (etcd: remove stale members, then add this one).
     *
     * @param live the cluster's other servers believed alive (recorded, running, not being removed)
     * @param bootstrap the static member list when the whole cluster is being created at once, else null
     * @param recorded every other server the state records for the cluster, dead or alive: a cluster that has
     *     members must never be started afresh next to them (that would fork it)
     */
    FirstBoot join(Endpoint self, List<ServerRecord> live, Bootstrap bootstrap, List<ServerRecord> recorded) throws Exception;

    /** Called before a server of a cluster that lives on is destroyed (etcd: member remove). */
    void leave(ServerRecord leaving, List<ServerRecord> survivors) throws Exception;

    /** Whether membership changes must happen one at a time, whatever maxUnavailable says. */
    boolean serialMembershipChanges();

    /** Ports the cluster's servers must reach each other on. */
    List<Integer> ports();

    /** Names and peer endpoints of a cluster created all at once, known before any member boots. */
    record Bootstrap(List<Endpoint> members) {
        public Bootstrap {
            members = List.copyOf(members);
        }
    }

    /** The role of {@code role: plain} clusters: nothing to add. */
    Role PLAIN = new Role() {
        @Override
        public FirstBoot join(Endpoint self, List<ServerRecord> live, Bootstrap bootstrap, List<ServerRecord> recorded) {
            return FirstBoot.EMPTY;
        }

        @Override
        public void leave(ServerRecord leaving, List<ServerRecord> survivors) {}

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
