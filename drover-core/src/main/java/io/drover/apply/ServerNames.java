package io.drover.apply;

import io.drover.addr.ServerName;
import io.drover.plan.Change;
import io.drover.roles.ClusterRole;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the servers one apply creates: each slot's next generation, above every generation the state or the plan
 * knows of (and the predecessors the apply was given), so a new server never takes the name of one that ran before. One per apply.
 */
final class ServerNames {
    private final Map<String, Integer> generations = new ConcurrentHashMap<>();

    void note(ServerRecord r) {
        generations.merge(r.resource(), r.generation(), Math::max);
        // A promoted spare fills a member's slot under the name it got in its spare slot: that slot's next server must
        // not take it again.
        ServerName.parse(r.name()).ifPresent(n -> generations.merge(n.slotAddress().toString(), n.generation(), Math::max));
    }

    /** A slot's destroyed server that the state no longer records: its name is not given again either. */
    void note(Predecessor p) {
        generations.merge(p.resource(), p.generation(), Math::max);
    }

    ServerName next(Change change) {
        int g = generations.merge(change.resource(), 1, Integer::sum);
        return change.address().server(g);
    }

    /** The name reserved for the change's slot in a cluster created all at once. */
    static String reserved(ClusterRole.Bootstrap bootstrap, Change change) {
        return bootstrap.members().stream().map(Endpoint::name)
                .filter(n -> ServerName.parse(n).map(s -> s.slotAddress().equals(change.address())).orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no reservation for " + change.resource()));
    }

    static int generationOf(String name) {
        return ServerName.parse(name).map(ServerName::generation).orElse(0);
    }
}
