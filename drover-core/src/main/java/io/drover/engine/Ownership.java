package io.drover.engine;

import io.drover.config.Herd;
import io.drover.spi.Instance;
import io.drover.spi.Tags;
import io.drover.state.State;
import io.drover.state.StateLostException;
import io.drover.state.StateStore;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to act on servers the state does not account for: with no state at all while servers of the herd run
 * (it was deleted), or servers recorded in another state of the herd (another lineage). Replacing them would make
 * a new CA and lose the running cluster; the message says how to recover.
 */
final class Ownership {
    private Ownership() {}

    static void require(Herd herd, StateStore store, Optional<State> stored, State state, List<Instance> instances) throws StateLostException {
        if (instances.isEmpty()) {
            return;
        }
        List<String> names = instances.stream().map(Instance::name).sorted().toList();
        if (stored.isEmpty()) {
            throw new StateLostException("there is no state at " + store.describe() + ", but " + names.size() + " server"
                    + (names.size() == 1 ? "" : "s") + " of herd '" + herd.name() + "' run (" + String.join(", ", names)
                    + "). Drover will not touch them without their state: it holds each etcd cluster's CA. Restore the state"
                    + " (its previous version is " + store.describe() + ".backup), or run 'drover import' to adopt the running"
                    + " servers into a new state", names);
        }
        List<String> foreign = instances.stream()
                .filter(i -> i.tag(Tags.LINEAGE) != null && !i.tag(Tags.LINEAGE).equals(state.lineage()))
                .map(Instance::name).sorted().toList();
        if (!foreign.isEmpty()) {
            throw new StateLostException("server" + (foreign.size() == 1 ? " " : "s ") + String.join(", ", foreign) + " of herd '"
                    + herd.name() + "' belong" + (foreign.size() == 1 ? "s" : "") + " to another state than " + store.describe()
                    + " (lineage " + foreign.stream().map(n -> instances.stream().filter(i -> i.name().equals(n)).findFirst()
                            .map(i -> i.tag(Tags.LINEAGE)).orElse("?")).distinct().findFirst().orElse("?") + ", this state is "
                    + state.lineage() + "). Use the state they were made with, or destroy them from there", foreign);
        }
    }
}
