package io.drover.plan;

import io.drover.config.LoadBalancerSpec;
import io.drover.spi.LoadBalancer;
import io.drover.spi.PoolMember;
import io.drover.state.ServerRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an apply will do to the load balancers, from a plan's server changes and the load balancers the providers list
 * (no I/O here): a load balancer to create, servers joining, draining or taken out, load balancers to delete. It
 * follows the rules {@code apply.Pools} acts on: new servers join, serving servers going away are drained, those that
 * do not serve are taken out at once, the pool is made what the state says.
 */
public final class LoadBalancerChanges {
    private LoadBalancerChanges() {}

    /** @param listed each provider's load balancers of this herd, by provider name */
    public static List<LoadBalancerChange> of(Plan plan, Map<String, List<LoadBalancer>> listed) {
        List<LoadBalancerChange> out = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        for (ClusterTemplate t : plan.clusters().values().stream().sorted(java.util.Comparator.comparing(ClusterTemplate::name)).toList()) {
            planned.add(t.name());
            LoadBalancerSpec spec = t.cluster().loadBalancer();
            String home = spec == null ? null : spec.home(t.provider());
            if (spec != null) {
                cluster(plan, t.name(), home, find(listed, home, t.name()), out);
            }
            // A load balancer on a provider it no longer lives on (it moved, or the cluster no longer asks for one).
            listed.forEach((provider, lbs) -> {
                if (!provider.equals(home) && find(listed, provider, t.name()).isPresent()) {
                    out.add(new LoadBalancerChange(LoadBalancerChange.Kind.DELETE, t.name(), provider, null, null));
                }
            });
        }
        // Clusters that go (or the whole herd, on destroy): their load balancers go with them.
        listed.forEach((provider, lbs) -> lbs.stream().filter(lb -> !planned.contains(lb.cluster())).map(LoadBalancer::cluster).sorted()
                .forEach(c -> out.add(new LoadBalancerChange(LoadBalancerChange.Kind.DELETE, c, provider, null, null))));
        return out;
    }

    private static void cluster(Plan plan, String cluster, String home, Optional<LoadBalancer> lb, List<LoadBalancerChange> out) {
        if (lb.isEmpty()) {
            out.add(new LoadBalancerChange(LoadBalancerChange.Kind.CREATE, cluster, home, null, null));
        }
        Set<String> known = new HashSet<>();
        for (Change c : plan.changesOf(cluster)) {
            ServerRecord before = c.before();
            if (before != null) {
                known.add(before.name());
            }
            Optional<PoolMember> member = before == null ? Optional.empty() : lb.flatMap(l -> l.member(before.name()));
            switch (c.action()) {
                case CREATE -> {
                    if (!plan.clusters().get(cluster).cluster().isSpareSlot(c.slot())) { // a spare waits outside the pool
                        out.add(join(cluster, home, c, null));
                    }
                }
                case REPLACE, MIGRATE, DELETE, PROMOTE -> {
                    if (c.action() == Action.PROMOTE) {
                        out.add(join(cluster, home, c, c.spare() == null ? null : c.spare().name())); // the spare, once promoted
                    } else if (c.action() != Action.DELETE) {
                        out.add(join(cluster, home, c, null));
                    }
                    if (member.isPresent()) {
                        boolean serves = !plan.unsound().contains(before.name()); // as apply judges it: the pool's own view may lag
                        out.add(new LoadBalancerChange(serves ? LoadBalancerChange.Kind.DRAIN : LoadBalancerChange.Kind.REMOVE, cluster, home,
                                c.resource(), before.name()));
                    }
                }
                case NO_OP, AWAIT, ADOPT -> {
                    // A serving server missing from the pool (a run killed between its health check and its join), or
                    // left draining by a run killed mid-drain, is made a ready member again.
                    // Not a spare: it waits outside the pool.
                    boolean serves = before != null && !before.tainted() && !before.spare() && !plan.unsound().contains(before.name());
                    if (serves && (member.isEmpty() || member.get().state() == PoolMember.State.DRAINING)) {
                        out.add(join(cluster, home, c, before.name()));
                    }
                }
            }
        }
        lb.ifPresent(l -> l.members().stream().filter(m -> !known.contains(m.name())).forEach(m ->
                out.add(new LoadBalancerChange(LoadBalancerChange.Kind.REMOVE, cluster, home, null, m.name()))));
    }

    private static LoadBalancerChange join(String cluster, String home, Change c, String server) {
        return new LoadBalancerChange(LoadBalancerChange.Kind.JOIN, cluster, home, c.resource(), server);
    }

    private static Optional<LoadBalancer> find(Map<String, List<LoadBalancer>> listed, String provider, String cluster) {
        return listed.getOrDefault(provider, List.of()).stream().filter(lb -> lb.cluster().equals(cluster)).findFirst();
    }
}
