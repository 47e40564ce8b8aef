package io.drover.apply;

import io.drover.config.HealthCheck;
import io.drover.graph.Graph;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.roles.ClusterRole;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a plan into the graph of steps an apply runs, without calling anything: clusters in dependency order
 * (reversed when clusters go), leftovers cleaned up first, replacements rolling ({@code maxUnavailable} at a time, one
 * at a time for etcd), a cluster created all at once reserving its members' endpoints first, and a last step that checks
 * a membership cluster is exactly what the state records.
 */
final class ApplyGraph {
    private final List<String> providers;
    private final Function<String, ClusterRole> roles;
    private final Map<String, List<String>> dependsOn;

    /**
     * @param providers the herd's provider names: a cluster that goes leaves each of them
     * @param roles each cluster's role, by cluster name
     * @param dependsOn each cluster's dependencies: their steps come first, and last on destroy
     */
    ApplyGraph(List<String> providers, Function<String, ClusterRole> roles, Map<String, List<String>> dependsOn) {
        this.providers = List.copyOf(providers);
        this.roles = roles;
        this.dependsOn = Map.copyOf(dependsOn);
    }

    Graph<Step> build(Plan plan) {
        Graph<Step> graph = new Graph<>();
        Map<String, List<Step>> stepsOfCluster = new LinkedHashMap<>();
        for (ClusterTemplate template : plan.clusters().values()) {
            stepsOfCluster.put(template.name(), clusterSteps(graph, plan, template));
        }
        // Removed clusters (or all of them, on destroy): delete their servers, then their cluster resources everywhere.
        for (String cluster : plan.removedClusters()) {
            List<Step> steps = stepsOfCluster.computeIfAbsent(cluster, k -> new ArrayList<>());
            List<Step> deletes = new ArrayList<>();
            for (Change c : plan.changesOf(cluster)) {
                if (c.action() == Action.DELETE) {
                    Step s = new Step.ChangeStep(c, null);
                    graph.add(s);
                    deletes.add(s);
                    steps.add(s);
                }
            }
            for (String provider : providers) {
                Step destroyCluster = new Step.DestroyCluster(cluster, provider);
                graph.add(destroyCluster);
                deletes.forEach(d -> graph.connect(destroyCluster, d));
                steps.add(destroyCluster);
            }
        }
        // Cluster dependencies: a dependent cluster's steps wait for its dependencies'; a cluster that goes waits for
        // its dependents to go first (the reverse order).
        Set<String> going = new HashSet<>(plan.removedClusters());
        for (Map.Entry<String, List<String>> e : dependsOn.entrySet()) {
            String dependent = e.getKey();
            for (String dependency : e.getValue()) {
                List<Step> mine = stepsOfCluster.getOrDefault(dependent, List.of());
                List<Step> theirs = stepsOfCluster.getOrDefault(dependency, List.of());
                boolean reverse = going.contains(dependent) && going.contains(dependency);
                for (Step a : mine) {
                    for (Step b : theirs) {
                        if (reverse) {
                            graph.connect(b, a);
                        } else {
                            graph.connect(a, b);
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** The steps of one cluster of the herd file: clean-up, the roll, the shrink, the membership check. */
    private List<Step> clusterSteps(Graph<Step> graph, Plan plan, ClusterTemplate template) {
        List<Change> changes = plan.changesOf(template.name()).stream().filter(c -> !c.isNoOp() && c.action() != Action.ADOPT).toList();
        List<Step> steps = new ArrayList<>();
        // A cluster that moved left its resources (a server group, a security group) on the old provider: they go last.
        List<Step> strays = new ArrayList<>();
        for (Plan.StrayCluster stray : plan.strays()) {
            if (stray.cluster().equals(template.name())) {
                Step leave = new Step.DestroyCluster(stray.cluster(), stray.provider());
                graph.add(leave);
                strays.add(leave);
            }
        }
        // A load balancer left on a provider it no longer lives on goes last too, once the new one has the servers.
        for (io.drover.plan.LoadBalancerChange lb : plan.loadBalancersOf(template.name())) {
            if (lb.kind() == io.drover.plan.LoadBalancerChange.Kind.DELETE) {
                Step delete = new Step.DeleteLoadBalancer(lb.cluster(), lb.provider());
                graph.add(delete);
                strays.add(delete);
            }
        }
        // No server changes, but the pool differs from what the state says (a run killed between a health check and
        // a join, mid drain; a load balancer deleted behind Drover's back): ensuring the cluster mends it.
        boolean poolOnly = plan.loadBalancersOf(template.name()).stream().anyMatch(lb -> lb.kind() != io.drover.plan.LoadBalancerChange.Kind.DELETE);
        if (changes.isEmpty() && poolOnly) {
            Step ensure = new Step.EnsureCluster(template);
            graph.add(ensure);
            steps.add(ensure);
            strays.forEach(leave -> {
                graph.connect(leave, ensure);
                steps.add(leave);
            });
            return steps;
        }
        if (changes.isEmpty()) {
            steps.addAll(strays);
            return steps;
        }
        boolean serial = roles.apply(template.name()).serialMembershipChanges();
        Step ensure = null;
        if (changes.stream().anyMatch(c -> c.action() != Action.DELETE)) {
            ensure = new Step.EnsureCluster(template);
            graph.add(ensure);
            steps.add(ensure);
        }
        // Clean-up first: duplicates, failed creates and records of vanished servers (one at a time for membership).
        List<Step> cleanups = chain(graph, changes.stream().filter(c -> c.stage() == Change.Stage.CLEANUP).toList(), null, serial, steps);
        List<Change> launches = changes.stream().filter(c -> c.stage() == Change.Stage.ROLL).toList();
        // Not while servers of a killed run are still starting: the new ones join them once they serve.
        boolean awaiting = changes.stream().anyMatch(c -> c.action() == Action.AWAIT);
        boolean allNew = launches.stream().allMatch(c -> c.action() == Action.CREATE);
        boolean bootstrap = serial && !launches.isEmpty() && allNew && soundServers(plan, template.name()) == 0 && !awaiting;
        // Reserved before the cluster's resources are ensured (providers expect that order, see OpenStack's ports).
        Step.Reserve reserve = bootstrap ? new Step.Reserve(template, launches) : null;
        if (reserve != null) {
            graph.add(reserve);
            steps.add(reserve);
        }
        // A roll through the spare promotes, each time, the spare the change before it made: one change at a time.
        boolean throughSpare = launches.stream().anyMatch(c -> c.action() == Action.PROMOTE && c.spare() == null);
        int batch = serial || throughSpare ? 1 : allNew ? Integer.MAX_VALUE : Math.max(1, template.cluster().maxUnavailable());
        List<Step> chain = new ArrayList<>();
        for (Change c : launches) {
            Step s = new Step.ChangeStep(c, reserve);
            graph.add(s);
            if (ensure != null) {
                graph.connect(s, ensure);
            }
            if (reserve != null) {
                graph.connect(s, reserve);
            }
            cleanups.forEach(x -> graph.connect(s, x));
            if (chain.size() >= batch) {
                graph.connect(s, chain.get(chain.size() - batch));
            }
            chain.add(s);
            steps.add(s);
        }
        List<Step> before = new ArrayList<>(cleanups);
        before.addAll(chain);
        if (reserve != null && launches.size() > 1) {
            Step await = new Step.AwaitHealthy(template, reserve);
            chain.forEach(s -> graph.connect(await, s));
            steps.add(await);
            before.add(await);
        }
        // Spares once the members serve (and, in etcd, once no new member needs to be the one learner).
        List<Step> afterRoll = new ArrayList<>(before);
        if (ensure != null) {
            afterRoll.add(ensure);
        }
        before.addAll(chain(graph, changes.stream().filter(c -> c.stage() == Change.Stage.SPARE).toList(), afterRoll, serial, steps));
        // Scale-down last, after replacements, so the cluster never shrinks below what it needs.
        List<Step> shrink = chain(graph, changes.stream().filter(c -> c.stage() == Change.Stage.SHRINK).toList(), before, serial, steps);
        List<Step> all = new ArrayList<>(before);
        all.addAll(shrink);
        // Only when Drover can reach the members (etcd health checks): with 'process' health it cannot ask the cluster.
        if (serial && template.cluster().health().type() == HealthCheck.Type.ETCD) {
            Step verify = new Step.Verify(template);
            graph.add(verify);
            all.forEach(x -> graph.connect(verify, x));
            steps.add(verify);
            all.add(verify);
        }
        strays.forEach(leave -> {
            all.forEach(x -> graph.connect(leave, x));
            steps.add(leave);
        });
        return steps;
    }

    /** Steps for changes that run after {@code after}, one after another when {@code serial}, else in parallel. */
    private static List<Step> chain(Graph<Step> graph, List<Change> changes, List<Step> after, boolean serial, List<Step> steps) {
        List<Step> made = new ArrayList<>();
        Step previous = null;
        for (Change c : changes) {
            Step s = new Step.ChangeStep(c, null);
            graph.add(s);
            if (after != null) {
                after.forEach(x -> graph.connect(s, x));
            }
            if (serial && previous != null) {
                graph.connect(s, previous);
            }
            previous = s;
            made.add(s);
            steps.add(s);
        }
        return made;
    }

    /** Recorded servers of a cluster that serve (the plan found them sound). */
    private static long soundServers(Plan plan, String cluster) {
        Set<String> unsound = plan.unsound();
        return plan.prior().cluster(cluster).stream().filter(r -> !unsound.contains(r.name()) && !r.tainted()).count();
    }
}
