package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.roles.ClusterRole;
import io.drover.state.State;
import java.util.HashMap;
import java.util.Map;

/** The roles of a herd's clusters, made by the engine's {@link RoleFactory} with what they need from the PKI. */
final class ClusterRoles {
    private final Herd herd;
    private final ClusterPkis pkis;
    private final Engine.Settings settings;

    ClusterRoles(Herd herd, ClusterPkis pkis, Engine.Settings settings) {
        this.herd = herd;
        this.pkis = pkis;
        this.settings = settings;
    }

    /** A cluster's role; {@code state} supplies its PKI when not loaded yet. */
    ClusterRole role(Cluster c, State state) {
        return settings.roles().role(c, new RoleFactory.Context(herd.name(), settings.membershipDeadline(), pkis.pki(c, state),
                () -> pkis.clientContext(c, state), settings.clock(), settings.sleeper()));
    }

    /** Every cluster's role, by name. */
    Map<String, ClusterRole> all(State state) {
        Map<String, ClusterRole> roles = new HashMap<>();
        herd.clusters().values().forEach(c -> roles.put(c.name(), role(c, state)));
        return roles;
    }
}
