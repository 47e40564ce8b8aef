package io.drover.plan;

import java.util.Objects;

/**
 * One change an apply makes to a cluster's load balancer, shown by {@code drover plan}. Apply makes the pool follow the
 * server changes itself (a new server joins once healthy, one going away is drained then removed); a load balancer left
 * on a provider it no longer lives on is deleted from this list ({@link Kind#DELETE}).
 *
 * @param provider the provider the load balancer is on
 * @param resource the slot whose server joins or leaves ({@code web[0]}); null for the whole load balancer, or for a
 *     member that is no server of the cluster
 * @param server the member's server; null for one this apply creates (its name is given when it is created)
 */
public record LoadBalancerChange(Kind kind, String cluster, String provider, String resource, String server) {

    public LoadBalancerChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(provider, "provider");
    }

    /** What happens. */
    public enum Kind {
        /** The load balancer is created (it does not exist on its provider yet). */
        CREATE("+", "create"),
        /** A server joins the pool, once it passes its health check. */
        JOIN("+", "join"),
        /** A serving server leaves: drained (bounded by the cluster's drain), then removed, then destroyed. */
        DRAIN("-", "drain"),
        /** A member is taken out at once: its server does not serve, or it is no server of the cluster. */
        REMOVE("-", "remove"),
        /** The load balancer is deleted with everything under it. */
        DELETE("-", "delete");

        private final String symbol;
        private final String verb;

        Kind(String symbol, String verb) {
            this.symbol = symbol;
            this.verb = verb;
        }

        public String symbol() {
            return symbol;
        }

        public String verb() {
            return verb;
        }
    }
}
