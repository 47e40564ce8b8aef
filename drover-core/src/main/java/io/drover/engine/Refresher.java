package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.Membership;
import io.drover.plan.Reality;
import io.drover.roles.ClusterRole;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Finds out what is really there, for a plan: the provider's list, the health of the servers whose health decides
 * something (every member of an etcd cluster, and any server never seen healthy: tainted, or found unrecorded), and
 * each etcd cluster's own member list. Probes run in parallel, so a refresh costs about one probe timeout.
 */
final class Refresher {
    private final Herd herd;
    private final HealthProbe probe;
    private final Function<Cluster, ClusterRole> roles;

    /**
     * Refreshes with a probe of its own, closed when the refresh is done: an open HTTP client keeps a selector thread in
     * a native call, and the JVM then waits 300 ms at exit for it (and heal would leave one per pass behind).
     *
     * @param tls each TLS cluster's client identity
     */
    static Reality refresh(Herd herd, Map<String, SSLContext> tls, Function<Cluster, ClusterRole> roles, State state, Engine.Listing listing,
            Map<String, Health> known) throws InterruptedException {
        try (HealthProbe probe = new HealthProbe(tls)) {
            return new Refresher(herd, probe, roles).refresh(state, listing, known);
        }
    }

    Refresher(Herd herd, HealthProbe probe, Function<Cluster, ClusterRole> roles) {
        this.herd = herd;
        this.probe = probe;
        this.roles = roles;
    }

    /**
     * @param known health already checked by the caller (heal), by instance id: not probed again
     */
    Reality refresh(State state, Engine.Listing listing, Map<String, Health> known) throws InterruptedException {
        List<Instance> instances = listing.instances();
        Map<String, ServerRecord> recordById = new HashMap<>();
        state.servers().forEach(r -> recordById.put(r.instanceId(), r));
        Map<String, Health> health = new ConcurrentHashMap<>(known);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Instance i : instances) {
                Cluster cluster = herd.clusters().get(clusterOf(i, recordById));
                ServerRecord r = recordById.get(i.id());
                boolean decides = cluster != null && (cluster.role() == Role.ETCD || r == null || r.tainted());
                if (decides && i.status() == Instance.Status.RUNNING && i.ip() != null && !health.containsKey(i.id())) {
                    threads.submit(() -> health.put(i.id(), probe.check(cluster, i)));
                }
            }
        }
        Map<String, Membership> membership = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.role() != Role.ETCD || c.health().type() != io.drover.config.HealthCheck.Type.ETCD) {
                continue; // no membership, or Drover cannot reach the members (health: process on a closed network)
            }
            List<ServerRecord> candidates = new ArrayList<>();
            for (Instance i : instances) {
                if (c.name().equals(clusterOf(i, recordById)) && i.status() == Instance.Status.RUNNING && i.ip() != null) {
                    ServerRecord r = recordById.get(i.id());
                    candidates.add(r != null ? r : new ServerRecord(c.name() + "[?]", c.name(), 0, 0, i.name(), i.id(), i.ip(),
                            null, null, i.createdAt(), true, Map.of()).withAccessIp(i.accessIp()));
                }
            }
            // Ask the healthy ones first: a frozen member would make the question wait out its timeout.
            candidates.sort((a, b) -> Boolean.compare(!isUp(health, a), !isUp(health, b)));
            roles.apply(c).membership(candidates).ifPresent(m -> membership.put(c.name(), m));
        }
        return new Reality(instances, listing.providerOf(), health, membership);
    }

    private static boolean isUp(Map<String, Health> health, ServerRecord r) {
        Health h = health.get(r.instanceId());
        return h != null && h.isUp();
    }

    private static String clusterOf(Instance i, Map<String, ServerRecord> recordById) {
        ServerRecord r = recordById.get(i.id());
        return r != null ? r.cluster() : i.tag(io.drover.spi.Tags.CLUSTER);
    }
}
