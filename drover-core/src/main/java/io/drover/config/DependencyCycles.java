package io.drover.config;

import io.drover.config.References.ClusterRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds cycles among cluster dependencies: no apply order exists for them. */
final class DependencyCycles {
    private enum Visit { IN_PROGRESS, DONE }

    private final Map<String, List<ClusterRef>> dependencies;
    private final Problems problems;
    private final Map<String, Visit> visits = new HashMap<>();

    /** @param dependencies cluster name to what it depends on, in declared order */
    DependencyCycles(Map<String, List<ClusterRef>> dependencies, Problems problems) {
        this.dependencies = dependencies;
        this.problems = problems;
    }

    /** Reports each cycle once, at the dependency that closes it (depth-first, in declared order). */
    void report() {
        for (String cluster : dependencies.keySet()) {
            visit(cluster, new ArrayList<>());
        }
    }

    private void visit(String cluster, List<String> path) {
        if (visits.containsKey(cluster)) {
            return;
        }
        visits.put(cluster, Visit.IN_PROGRESS);
        path.add(cluster);
        for (ClusterRef dep : dependencies.getOrDefault(cluster, List.of())) {
            Visit visit = visits.get(dep.cluster());
            if (visit == Visit.IN_PROGRESS) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(dep.cluster()), path.size()));
                cycle.add(dep.cluster());
                problems.add(dep.where(), "dependency cycle: " + String.join(" -> ", cycle),
                        cycle.size() == 2
                                ? "a cluster cannot depend on itself; inside its firstBoot use ${cluster.ips} and ${cluster.peers}"
                                : "remove one of the dependsOn entries or ${clusters...} references in the cycle");
            } else if (visit == null) {
                visit(dep.cluster(), path);
            }
        }
        path.remove(path.size() - 1);
        visits.put(cluster, Visit.DONE);
    }
}
