package io.drover.heal;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks every recorded server at once, one virtual thread each, so a pass costs about one check timeout
 * however many servers there are and however many are frozen.
 */
public final class HealthChecks {
    private final HealthProbe probe;

    public HealthChecks(HealthProbe probe) {
        this.probe = probe;
    }

    /** The health of every recorded server of a cluster the herd file still has, by server name, in state order. */
    public Map<String, ServerHealth> checkAll(Herd herd, State state, List<Instance> reality) throws InterruptedException {
        Map<String, Instance> byId = new HashMap<>();
        reality.forEach(i -> byId.put(i.id(), i));
        Map<String, ServerHealth> result = new LinkedHashMap<>();
        Map<ServerRecord, Future<Health>> pending = new LinkedHashMap<>();
        Duration longest = Duration.ZERO;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ServerRecord r : state.servers()) {
                Cluster cluster = herd.clusters().get(r.cluster());
                if (cluster == null) {
                    continue;
                }
                Instance instance = byId.get(r.instanceId());
                if (instance == null) {
                    result.put(r.name(), new ServerHealth(r, null, new Health(Health.Status.DOWN, "the provider no longer has it"), true, false));
                } else if (instance.status() == Instance.Status.BUILDING) {
                    result.put(r.name(), new ServerHealth(r, instance, new Health(Health.Status.DOWN, "starting"), false, true));
                } else if (instance.status() != Instance.Status.RUNNING) {
                    result.put(r.name(), new ServerHealth(r, instance,
                            new Health(Health.Status.DOWN, "the provider reports it " + instance.status().name().toLowerCase()), true, false));
                } else {
                    result.put(r.name(), null); // keeps state order
                    pending.put(r, threads.submit(() -> probe.check(cluster, instance)));
                    if (cluster.health().timeout().compareTo(longest) > 0) {
                        longest = cluster.health().timeout();
                    }
                }
            }
            long deadline = System.nanoTime() + longest.plusSeconds(2).toNanos();
            for (Map.Entry<ServerRecord, Future<Health>> e : pending.entrySet()) {
                ServerRecord r = e.getKey();
                Health h;
                try {
                    h = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException ex) {
                    e.getValue().cancel(true);
                    h = new Health(Health.Status.TIMEOUT, "the check did not finish in time");
                } catch (java.util.concurrent.ExecutionException ex) {
                    h = new Health(Health.Status.DOWN, "the check failed: " + ex.getCause());
                }
                result.put(r.name(), new ServerHealth(r, byId.get(r.instanceId()), h, false, false));
            }
            threads.shutdownNow(); // nothing should be left; do not wait on a stuck check
        }
        return result;
    }

    /** Servers of one cluster, in state order. */
    static List<ServerHealth> ofCluster(Map<String, ServerHealth> all, String cluster) {
        List<ServerHealth> list = new ArrayList<>();
        all.values().forEach(s -> {
            if (s.record().cluster().equals(cluster)) {
                list.add(s);
            }
        });
        return list;
    }

    /**
     * An etcd spare (a learner) answers a health check only while its cluster has a leader: while a member fails or is
     * gone (a dead leader's survivors electing another, say), its failed checks are the cluster's, not its own, and are
     * not counted; judged dead, it would not be promoted when it is needed most. Gone (the provider says so) is not a
     * check: it counts. Seen with a 300 ms timeout and 2 failures: the spare judged dead during an election.
     */
    static boolean spareInUnsettledCluster(ServerHealth s, Cluster cluster, Map<String, ServerHealth> health) {
        if (!s.record().spare() || s.gone() || cluster.role() != io.drover.config.Role.ETCD) {
            return false;
        }
        return ofCluster(health, cluster.name()).stream()
                .anyMatch(m -> !m.record().spare() && !m.starting() && (m.gone() || !m.health().isUp()));
    }
}
