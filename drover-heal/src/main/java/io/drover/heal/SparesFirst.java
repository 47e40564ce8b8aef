package io.drover.heal;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.plan.ClusterTemplate;
import io.drover.spi.Failures;
import io.drover.state.LeadershipLostException;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Heal's fast path for a failed etcd member with a spare: as soon as heal holds the lock, before the plan (a refresh of
 * reality) and the apply run, the spare learner is promoted and the failed member removed from the cluster (quorum
 * permitting): three healthy voters again after two calls. The plan that follows finds the spare already voting, which
 * it reads as a promotion cut off before it was recorded, and finishes it as it would after a crash (the promote and
 * the removal are no-ops, the failed server is destroyed, the state records the spare in its slot, a new spare is
 * made). So nothing is done here that the engine's promotion would not do, in the same order, and a kill -9 at any
 * point converges as before.
 *
 * <p>Only where the plan would promote this very spare: an etcd cluster with quorum and no member slot in backoff, the
 * failed server a member (not a spare) that heal decided unhealthy, and a spare of the cluster's current identity that
 * runs and that heal has not decided unhealthy (the promotion waits until it has caught up, as the engine's does).
 * Each intent is recorded first, fenced, as for every action.
 */
final class SparesFirst {
    private final StateStore store;
    private final HealListener listener;
    private final HealthTracker tracker;

    SparesFirst(StateStore store, HealListener listener, HealthTracker tracker) {
        this.store = store;
        this.listener = listener;
        this.tracker = tracker;
    }

    /**
     * Promotes, in each etcd cluster with a failed member, the spare the plan will put in its place, and removes the
     * failed member; a failure is said and left to the plan, which tries the same steps again through the engine.
     */
    void promote(Herd herd, Engine engine, State state, Map<String, ServerHealth> health, Set<String> unhealthy,
            Set<String> quorumLost, Instant now) throws LeadershipLostException, InterruptedException {
        for (Cluster cluster : herd.clusters().values()) {
            // With a load balancer, a member leaves the pool before the cluster: the engine's own order, left to it.
            if (cluster.role() != Role.ETCD || cluster.spares() == 0 || cluster.loadBalancer() != null || quorumLost.contains(cluster.name())) {
                continue;
            }
            List<ServerRecord> recorded = state.cluster(cluster.name());
            Optional<ServerRecord> failed = recorded.stream().filter(r -> !r.spare() && unhealthy.contains(r.name())).findFirst();
            // A member slot in backoff holds its whole cluster this pass (HealPlanning): so it holds this path too.
            if (failed.isEmpty() || recorded.stream().anyMatch(r -> !r.spare() && tracker.backoff(r.resource(), now).isPresent())) {
                continue;
            }
            try {
                ClusterTemplate template = engine.templates().get(cluster.name());
                Optional<ServerRecord> spare = recorded.stream().filter(r -> r.spare() && !r.tainted() && template != null
                        && template.digest().equals(r.digest()) && running(health, unhealthy, r)).findFirst();
                if (spare.isEmpty()) {
                    continue;
                }
                // The members heal has not given up on answer the cluster's calls; never the failed one (a frozen one
                // would hang).
                List<ServerRecord> live = recorded.stream().filter(r -> !r.spare() && running(health, unhealthy, r)).toList();
                String resource = failed.get().resource();
                listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster.name(), resource, failed.get().name(),
                        "promoting the spare " + spare.get().name() + " at once (the rest of the replacement follows)"));
                store.beforeAction(resource, "promote " + spare.get().name());
                engine.role(cluster).promote(spare.get(), live);
                // Three voters of four, one of them dead, are a majority; the removal makes it three of three, so etcd
                // no longer waits on (or counts) the dead one. Quorum-guarded, as every removal.
                List<ServerRecord> survivors = new java.util.ArrayList<>(live);
                survivors.add(spare.get());
                listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster.name(), resource, failed.get().name(),
                        "removing " + failed.get().name() + " from its cluster"));
                store.beforeAction(resource, "remove " + failed.get().name() + " from its cluster");
                engine.role(cluster).leave(failed.get(), survivors);
            } catch (LeadershipLostException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                listener.on(HealEvent.of(HealEvent.Kind.STEP, cluster.name(), failed.get().resource(), failed.get().name(),
                        "promoting at once failed (" + Failures.message(e) + "); the replacement tries it again"));
            }
        }
    }

    /**
     * Running and not decided unhealthy: a check it failed may be the cluster electing a leader (a dead leader's
     * survivors and its spare answer no health check until they have a new one), which the promotion waits out anyway.
     */
    private static boolean running(Map<String, ServerHealth> health, Set<String> unhealthy, ServerRecord r) {
        ServerHealth h = health.get(r.name());
        return h != null && !h.gone() && !h.starting() && !unhealthy.contains(r.name());
    }
}
