package io.drover.engine;

import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancers;
import io.drover.spi.ProviderException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The load balancers of a herd's clusters as the providers they live on have them now (a cluster's own, or the one its
 * {@code loadBalancer.provider} names): for status, the web view and outputs.
 */
final class ClusterLoadBalancers {
    private final Herd herd;
    private final HerdProviders providers;
    private final EventSink events;

    ClusterLoadBalancers(Herd herd, HerdProviders providers, EventSink events) {
        this.herd = herd;
        this.providers = providers;
        this.events = events;
    }

    /** The load balancer of each cluster that declares one; empty for one that does not exist (yet). */
    Map<String, Optional<LoadBalancer>> all() throws ProviderException {
        Map<String, Optional<LoadBalancer>> all = new LinkedHashMap<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.loadBalancer() != null) {
                Optional<LoadBalancers> lbs = providers.get(c.loadBalancer().home(herd.providerOf(c).name())).loadBalancers();
                all.put(c.name(), lbs.isEmpty() ? Optional.empty() : lbs.get().get(c.name()));
            }
        }
        return all;
    }

    /**
     * {@code http://ADDRESS:PORT/} of a cluster's load balancer as its provider has it, or null when it has none (or the
     * provider cannot be asked now: the output is empty until the next apply computes it again).
     */
    String url(String cluster) {
        Cluster c = herd.clusters().get(cluster);
        if (c == null || c.loadBalancer() == null) {
            return null;
        }
        try {
            Optional<LoadBalancers> lbs = providers.get(c.loadBalancer().home(herd.providerOf(c).name())).loadBalancers();
            return lbs.isEmpty() ? null : lbs.get().get(cluster).map(LoadBalancer::url).orElse(null);
        } catch (ProviderException e) {
            events.emit(new Event.Note(cluster, "the load balancer's address is not known now: " + e.getMessage()));
            return null;
        }
    }
}
