package io.drover.plan;

import io.drover.state.State;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything an apply will do, computed from the herd file, the recorded state and reality.
 *
 * @param prior the recorded state, refreshed against reality (adopted servers added, servers found healthy no longer
 *     tainted); apply starts from it
 * @param changes one or more per slot that exists in the herd file, the state or reality, in cluster then slot order
 * @param clusters the cluster templates (identity, image) the plan was made for
 * @param removedClusters clusters in the state or in reality that the herd file no longer has
 * @param destroy whether this is a plan to destroy the whole herd
 * @param unsound servers (recorded or found) that do not serve: dead, never healthy, or not counted by their cluster.
 *     They are never asked to help a new member join, whatever the state says.
 * @param strays cluster resources (server groups, security groups) left on a provider the cluster no longer runs on
 * @param loadBalancers what apply does to the clusters' load balancers (empty when not asked of the providers: heal)
 */
public record Plan(String herd, State prior, List<Change> changes, Map<String, ClusterTemplate> clusters,
        List<String> removedClusters, boolean destroy, Set<String> unsound, List<StrayCluster> strays,
        List<LoadBalancerChange> loadBalancers) {

    /** A cluster's resources on a provider none of its servers is on any more (it moved). */
    public record StrayCluster(String cluster, String provider) {}

    public Plan {
        changes = List.copyOf(changes);
        clusters = Map.copyOf(clusters);
        removedClusters = List.copyOf(removedClusters);
        unsound = Set.copyOf(unsound);
        strays = List.copyOf(strays);
        loadBalancers = List.copyOf(loadBalancers);
    }

    public Plan(String herd, State prior, List<Change> changes, Map<String, ClusterTemplate> clusters,
            List<String> removedClusters, boolean destroy, Set<String> unsound, List<StrayCluster> strays) {
        this(herd, prior, changes, clusters, removedClusters, destroy, unsound, strays, List.of());
    }

    public Plan(String herd, State prior, List<Change> changes, Map<String, ClusterTemplate> clusters,
            List<String> removedClusters, boolean destroy, Set<String> unsound) {
        this(herd, prior, changes, clusters, removedClusters, destroy, unsound, List.of());
    }

    public boolean hasChanges() {
        return changes.stream().anyMatch(c -> !c.isNoOp()) || !removedClusters.isEmpty() || !strays.isEmpty() || !loadBalancers.isEmpty();
    }

    /** The same plan, also removing these stray cluster resources. */
    public Plan withStrays(List<StrayCluster> found) {
        return new Plan(herd, prior, changes, clusters, removedClusters, destroy, unsound, found, loadBalancers);
    }

    /** The same plan, also showing (and, for load balancers left on another provider, making) these load balancer changes. */
    public Plan withLoadBalancers(List<LoadBalancerChange> found) {
        return new Plan(herd, prior, changes, clusters, removedClusters, destroy, unsound, strays, found);
    }

    /** The load balancer changes of one cluster. */
    public List<LoadBalancerChange> loadBalancersOf(String cluster) {
        return loadBalancers.stream().filter(c -> c.cluster().equals(cluster)).toList();
    }

    /** The same plan starting from another prior state (apply records what it is about to do first). */
    public Plan withPrior(State newPrior) {
        return new Plan(herd, newPrior, changes, clusters, removedClusters, destroy, unsound, strays, loadBalancers);
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    public List<Change> changesOf(String cluster) {
        return changes.stream().filter(c -> c.cluster().equals(cluster)).toList();
    }

    /** The same plan with other changes (heal adapts the engine's plan this way). */
    public Plan withChanges(List<Change> newChanges) {
        return new Plan(herd, prior, newChanges, clusters, removedClusters, destroy, unsound, strays, loadBalancers);
    }
}
