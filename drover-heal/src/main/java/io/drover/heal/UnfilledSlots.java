package io.drover.heal;

import io.drover.addr.SlotAddress;
import io.drover.config.Herd;
import io.drover.state.State;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Slots that no recorded server fills: those of the applied herd, and those the herd file (as heal read it at
 * start) has beyond it, such as a cluster grown from 3 to 5 and not applied yet. Heal creates neither; each is said
 * once, and again only after it was filled and emptied.
 */
final class UnfilledSlots {
    private final Herd fileHerd;
    private final HealListener listener;
    private final Set<String> reported = new HashSet<>();

    UnfilledSlots(Herd fileHerd, HealListener listener) {
        this.fileHerd = fileHerd;
        this.listener = listener;
    }

    void report(Herd applied, State state) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (Herd h : List.of(applied, fileHerd)) {
            h.clusters().values().forEach(c -> sizes.merge(c.name(), c.size(), Math::max));
        }
        sizes.forEach((cluster, size) -> {
            int appliedSize = applied.clusters().containsKey(cluster) ? applied.clusters().get(cluster).size() : 0;
            for (int slot = 0; slot < size; slot++) {
                SlotAddress address = new SlotAddress(cluster, slot);
                boolean filled = state.cluster(cluster).stream().anyMatch(r -> r.slot() == address.slot());
                if (!filled && reported.add(address.toString())) {
                    listener.on(HealEvent.of(HealEvent.Kind.LIFECYCLE, cluster, address.toString(), null, slot < appliedSize
                            ? "no server is recorded for this slot; heal does not create servers, run 'drover apply'"
                            : "this slot is in the herd file but was never applied; heal does not create servers, run 'drover apply'"));
                } else if (filled) {
                    reported.remove(address.toString());
                }
            }
        });
    }
}
