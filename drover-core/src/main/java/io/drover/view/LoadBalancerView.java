package io.drover.view;

import io.drover.config.LoadBalancerSpec;
import io.drover.spi.LoadBalancer;
import io.drover.spi.PoolMember;
import java.util.List;

/**
 * A cluster's load balancer: what the herd file asks for, and (when the provider was asked, as {@code status} and the
 * web view do) where it is and each member's state in its pool with live counts.
 *
 * @param drain e.g. {@code 10s}
 * @param url {@code http://ADDRESS:PORT/}; null when not asked or not created yet
 * @param running null when not asked
 * @param members null when not asked
 */
public record LoadBalancerView(int port, int targetPort, String drain, String url, Boolean running, List<MemberView> members) {

    public LoadBalancerView {
        members = members == null ? null : List.copyOf(members);
    }

    /**
     * One member of the pool.
     *
     * @param state ready, draining or down
     * @param activeConnections connections under way now (-1 where the provider does not count)
     * @param totalRequests served since it joined (-1 where the provider does not count)
     */
    public record MemberView(String name, String address, int port, String state, long activeConnections, long totalRequests) {
        static MemberView of(PoolMember m) {
            return new MemberView(m.name(), m.address(), m.port(), m.state().name().toLowerCase(java.util.Locale.ROOT), m.activeConnections(),
                    m.totalRequests());
        }
    }

    /** What the herd file asks for, nothing asked of the provider. */
    public static LoadBalancerView declared(LoadBalancerSpec spec) {
        return new LoadBalancerView(spec.port(), spec.targetPort(), spec.drain().toSeconds() + "s", null, null, null);
    }

    /** As the provider has it now; {@code lb} null when it does not exist (yet). */
    public static LoadBalancerView live(LoadBalancerSpec spec, LoadBalancer lb) {
        if (lb == null) {
            return new LoadBalancerView(spec.port(), spec.targetPort(), spec.drain().toSeconds() + "s", null, false, List.of());
        }
        return new LoadBalancerView(spec.port(), spec.targetPort(), spec.drain().toSeconds() + "s", lb.url(), lb.running(),
                lb.members().stream().map(MemberView::of).toList());
    }
}
