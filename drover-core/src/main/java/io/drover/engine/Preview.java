package io.drover.engine;

import io.drover.addr.SlotAddress;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.config.Template;
import io.drover.render.FirstBoot;
import io.drover.render.cloudinit.CloudInitRenderer;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import io.drover.roles.ClusterRole;
import io.drover.roles.EtcdRole;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one server boots with, for {@code drover render}. A recorded server (named, or filling the slot named) is
 * rendered with its own name and address; a slot not yet applied gets a preview identity (its first name, a
 * documentation address from 192.0.2.0/24). Etcd members are rendered as if the whole cluster were being created from
 * the servers recorded now (previews for the slots none fills), so rendering needs no network and gives the same bytes
 * every time; what that cannot know (a member that joined a running cluster was told so) the env file says itself.
 */
final class Preview {
    private final Herd herd;
    private final Function<Cluster, ClusterRole> roles;

    Preview(Herd herd, Function<Cluster, ClusterRole> roles) {
        this.herd = herd;
        this.roles = roles;
    }

    /**
     * @param server a server name ({@code etcd-0-1}) or slot ({@code etcd[0]}); null for the first slot
     * @param format null for the form the cluster's image reads ({@code userData:})
     */
    byte[] render(State state, String server, Engine.Format format, IgnitionVersion version) throws Exception {
        Cluster cluster = null;
        int slot = 0;
        Endpoint self;
        Optional<ServerRecord> recorded = server == null ? Optional.empty() : state.server(server);
        if (recorded.isPresent()) {
            cluster = herd.clusters().get(recorded.get().cluster());
            slot = recorded.get().slot();
            self = new Endpoint(recorded.get().name(), recorded.get().ip());
        } else {
            Optional<SlotAddress> address = SlotAddress.parse(server);
            if (server == null) {
                cluster = herd.clusters().values().iterator().next();
            } else if (address.isPresent()) {
                cluster = herd.clusters().get(address.get().cluster());
                slot = address.get().slot();
            }
            if (cluster == null || slot >= cluster.size()) {
                throw new IllegalArgumentException("no server or slot '" + server + "' in herd '" + herd.name()
                        + "' (give a recorded server name, see 'drover show', or a slot like "
                        + herd.clusters().keySet().iterator().next() + "[0])");
            }
            self = endpoint(state, cluster, slot);
        }
        if (cluster == null) {
            throw new IllegalArgumentException("server '" + server + "' belongs to a cluster the herd file no longer has");
        }
        FirstBoot roleAdditions = FirstBoot.EMPTY;
        if (cluster.role() == Role.ETCD) {
            List<Endpoint> members = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                members.add(i == slot ? self : endpoint(state, cluster, i));
            }
            roleAdditions = ((EtcdRole) roles.apply(cluster)).preview()
                    .join(self, new ClusterRole.Peers(List.of(), new ClusterRole.Bootstrap(members), List.of()));
        }
        var scope = TemplateScope.server(herd, cluster, self, slot, state);
        final Cluster c = cluster;
        FirstBoot resolved = c.firstBoot().mapStrings(s -> Template.resolve(s, scope)).plus(roleAdditions);
        Engine.Format chosen = format != null ? format
                : cluster.userData() == Cluster.UserDataFormat.CLOUD_INIT ? Engine.Format.CLOUD_INIT : Engine.Format.IGNITION;
        return switch (chosen) {
            case IGNITION -> new IgnitionRenderer(version).render(resolved);
            case CLOUD_INIT -> new CloudInitRenderer().render(resolved);
        };
    }

    /** The server recorded in this slot (as {@code drover show} lists it), or a preview identity when none is. */
    private static Endpoint endpoint(State state, Cluster cluster, int slot) {
        return state.cluster(cluster.name()).stream().filter(r -> r.slot() == slot && !r.tainted() && r.ip() != null).findFirst()
                .map(r -> new Endpoint(r.name(), r.ip())).orElseGet(() -> previewEndpoint(cluster, slot));
    }

    private static Endpoint previewEndpoint(Cluster cluster, int slot) {
        return new Endpoint(new SlotAddress(cluster.name(), slot).server(1).toString(), "192.0.2." + (10 + slot % 240));
    }
}
