package io.drover.apply;

import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.roles.ClusterRole;
import io.drover.state.ServerRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one apply learns as it goes, made afresh for every {@link Applier#apply}: the names it gave out, the
 * reservations its clusters got, and which servers it saw become healthy. Steps run in parallel, so all of it is
 * thread-safe.
 */
final class ApplyRun {
    private final Map<String, ClusterTemplate> templates;
    private final ServerNames names = new ServerNames();
    /**
     * Servers the plan found not serving: never counted as live members, whatever the state says, unless this apply
     * saw them become healthy (a server it waited for).
     */
    private final Set<String> unsound = ConcurrentHashMap.newKeySet();
    /** What each reservation step got; empty when its provider cannot reserve. */
    private final Map<Step.Reserve, Optional<ClusterRole.Bootstrap>> reservations = new ConcurrentHashMap<>();

    /**
     * Servers whose place in the pool this apply's own steps change: those it takes away (deleted, replaced), left to
     * their own drain, and the spares it promotes, left to their own join (a run stopped after a spare joined the pool
     * and before the state recorded it as a member must not take it out again: the pool would be one short).
     */
    private final Set<String> going;

    ApplyRun(Plan plan) {
        this.templates = Map.copyOf(plan.clusters());
        Set<String> going = plan.changes().stream()
                .filter(c -> c.before() != null)
                .filter(c -> c.action() == io.drover.plan.Action.DELETE || c.action() == io.drover.plan.Action.REPLACE
                        || c.action() == io.drover.plan.Action.MIGRATE || c.action() == io.drover.plan.Action.PROMOTE)
                .map(c -> c.before().name())
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        plan.changes().stream().filter(c -> c.spare() != null).forEach(c -> going.add(c.spare().name()));
        this.going = Set.copyOf(going);
        unsound.addAll(plan.unsound());
        plan.prior().servers().forEach(names::note);
        plan.changes().stream().filter(c -> c.before() != null).forEach(c -> names.note(c.before()));
        plan.changes().stream().filter(c -> c.spare() != null).forEach(c -> names.note(c.spare()));
    }

    ServerNames names() {
        return names;
    }

    ClusterTemplate template(Change change) {
        ClusterTemplate t = templates.get(change.cluster());
        if (t == null) {
            throw new IllegalStateException("no template for cluster " + change.cluster());
        }
        return t;
    }

    /** The template of a cluster of the herd file, or empty for a cluster that goes. */
    Optional<ClusterTemplate> templateOf(String cluster) {
        return Optional.ofNullable(templates.get(cluster));
    }

    /** True for a server the plan found not serving (dead, frozen, never healthy) and this apply did not see serve since. */
    boolean unsound(String server) {
        return unsound.contains(server);
    }

    /** True for a server this apply deletes or replaces. */
    boolean going(String server) {
        return going.contains(server);
    }

    /** A server this apply saw serving counts as a live member from now on. */
    void serving(String server) {
        unsound.remove(server);
    }

    /** Servers of the cluster that run and stay: recorded, serving, not tainted, not the one leaving. */
    List<ServerRecord> liveMembers(List<ServerRecord> recorded, ServerRecord leaving) {
        return recorded.stream()
                .filter(r -> leaving == null || !r.name().equals(leaving.name()))
                .filter(r -> !unsound.contains(r.name()) && !r.tainted())
                .toList();
    }

    void reserved(Step.Reserve reserve, Optional<ClusterRole.Bootstrap> bootstrap) {
        reservations.put(reserve, bootstrap);
    }

    /** The members a reservation step got, or null when there was none (or its provider cannot reserve). */
    ClusterRole.Bootstrap bootstrap(Step.Reserve reserve) {
        return reserve == null ? null : reservations.getOrDefault(reserve, Optional.empty()).orElse(null);
    }
}
