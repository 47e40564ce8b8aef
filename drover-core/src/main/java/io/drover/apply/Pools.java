package io.drover.apply;

import io.drover.config.Cluster;
import io.drover.config.HealthCheck;
import io.drover.config.LoadBalancerSpec;
import io.drover.plan.ClusterTemplate;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.PoolMember;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a cluster's load balancer pool in step with its servers as an apply changes them: a server joins only once it
 * passed its health check, a server going away is drained (bounded by the cluster's {@code drain}), then taken out,
 * and only then destroyed; a dead one is taken out at once. Every call is idempotent, so a run killed between two of
 * them is finished by the next: the pool, listed from the provider, is the record of who is in it.
 */
final class Pools {
    /** How often a drain looks at the member's connections under way. */
    static final Duration DRAIN_POLL = Duration.ofMillis(100);

    private final ApplySettings settings;

    Pools(ApplySettings settings) {
        this.settings = settings;
    }

    /**
     * Creates or adopts the cluster's load balancer, then makes its pool what the state says: every recorded server that
     * serves is a ready member, nothing else is. Members a killed run left draining come back until this run drains
     * them again; members of servers no longer recorded go.
     *
     * @param serving the names of recorded servers the plan found serving and that stay
     * @param going servers this apply takes away: neither added nor removed here (their own steps drain them)
     */
    void ensure(ClusterTemplate template, Iterable<ServerRecord> recorded, Set<String> serving, java.util.function.Predicate<String> going)
            throws Exception {
        Cluster cluster = template.cluster();
        Optional<LoadBalancers> lbs = loadBalancers(template);
        if (lbs.isEmpty()) {
            if (cluster.loadBalancer() != null) {
                throw new ProviderException("cluster " + cluster.name() + " asks for a load balancer, but its provider '" + home(template)
                        + "' has none (the local provider has: HAProxy); remove 'loadBalancer:' from the cluster or run it on a provider that has one");
            }
            return;
        }
        if (cluster.loadBalancer() == null) {
            // The herd file no longer asks for one (or never did): one left behind goes.
            if (settings.retrying(() -> lbs.get().get(cluster.name())).isPresent()) {
                delete(cluster.name(), home(template));
            }
            return;
        }
        LoadBalancerSpec spec = cluster.loadBalancer();
        HealthCheck health = cluster.health();
        LoadBalancerRequest request = new LoadBalancerRequest(cluster.name(), spec.port(), spec.targetPort(),
                new LoadBalancerRequest.Check(health.type() == HealthCheck.Type.HTTP ? health.path() : null,
                        health.port() > 0 ? health.port() : spec.targetPort(), health.interval(), health.failures()),
                Map.of(Tags.HERD, settings.keeper().current().herd(), Tags.CLUSTER, cluster.name()));
        LoadBalancer lb = settings.retrying(() -> lbs.get().ensure(request));
        Map<String, ServerRecord> wanted = new java.util.LinkedHashMap<>();
        for (ServerRecord r : recorded) {
            if (serving.contains(r.name()) && !r.tainted() && !r.spare()) { // a spare waits outside the pool
                wanted.put(r.name(), r);
            }
        }
        for (PoolMember m : lb.members()) {
            if (!wanted.containsKey(m.name()) && !going.test(m.name())) {
                settings.events().emit(new Event.Progress(cluster.name(), "taking " + m.name() + " out of the load balancer: not a server of the cluster"));
                settings.retrying(() -> {
                    lbs.get().removeMember(cluster.name(), m.name());
                    return null;
                });
            }
        }
        Map<String, PoolMember> present = lb.members().stream().collect(Collectors.toMap(PoolMember::name, m -> m));
        for (ServerRecord r : wanted.values()) {
            PoolMember m = present.get(r.name());
            if (m == null || m.state() == PoolMember.State.DRAINING) {
                join(template, r);
            }
        }
    }

    /** Puts a server that passed its health check into the pool. */
    void join(ClusterTemplate template, ServerRecord record) throws Exception {
        Optional<LoadBalancers> lbs = loadBalancers(template);
        if (template.cluster().loadBalancer() == null || lbs.isEmpty() || record.spare()) {
            return; // a spare runs and passes its checks outside the pool, until it takes a member's place
        }
        settings.events().emit(new Event.Progress(record.resource(), "adding " + record.name() + " to the load balancer"));
        PoolMember.Target target = new PoolMember.Target(record.name(), record.ip(), template.cluster().loadBalancer().targetPort());
        settings.retrying(() -> {
            lbs.get().addMember(template.cluster().name(), target);
            return null;
        });
    }

    /**
     * Takes a server out of the pool before it is destroyed: drained first, until it has no connection under way or the
     * cluster's drain time is up; a dead server at once (it serves nobody, and the load balancer's retries already
     * send its requests elsewhere).
     */
    void leave(ClusterTemplate template, ServerRecord record, boolean dead) throws Exception {
        Optional<LoadBalancers> lbs = loadBalancers(template);
        LoadBalancerSpec spec = template.cluster().loadBalancer();
        if (spec == null || lbs.isEmpty()) {
            return;
        }
        String cluster = template.cluster().name();
        if (!dead) {
            boolean counted = lbs.get().countsConnections();
            settings.events().emit(new Event.Progress(record.resource(), "draining " + record.name() + (counted
                    ? " (at most " + spec.drain().toSeconds() + " s)"
                    : " for " + spec.drain().toSeconds() + " s (the load balancer does not count its connections)")));
            settings.retrying(() -> {
                lbs.get().drainMember(cluster, record.name());
                return null;
            });
            if (!counted) {
                // Nobody can tell when its last connection ends (Octavia counts per listener): it gets the whole drain.
                settings.sleeper().sleep(spec.drain());
            }
            Instant start = settings.clock().instant();
            Optional<Boolean> drained = Retry.until(spec.drain(), new Backoff(DRAIN_POLL, DRAIN_POLL, Backoff.Jitter.NONE))
                    .withTime(settings.clock(), settings.sleeper())
                    .poll(() -> {
                        Optional<PoolMember> m = lbs.get().get(cluster).flatMap(lb -> lb.member(record.name()));
                        return m.isEmpty() || m.get().activeConnections() <= 0 ? Optional.of(true) : Optional.empty();
                    });
            if (drained.isEmpty()) {
                settings.events().emit(new Event.Note(record.resource(), record.name() + " still had connections after "
                        + Duration.between(start, settings.clock().instant()).toSeconds() + " s of draining: taken out anyway"));
            }
        }
        settings.events().emit(new Event.Progress(record.resource(), "taking " + record.name() + " out of the load balancer"));
        settings.retrying(() -> {
            lbs.get().removeMember(cluster, record.name());
            return null;
        });
    }

    /** Deletes a cluster's load balancer on one provider (the cluster went, or moved away, or no longer wants one). */
    void delete(String cluster, String provider) throws Exception {
        Optional<LoadBalancers> lbs = settings.providers().get(provider).loadBalancers();
        if (lbs.isEmpty()) {
            return;
        }
        settings.retrying(() -> {
            lbs.get().delete(cluster);
            return null;
        });
    }

    private Optional<LoadBalancers> loadBalancers(ClusterTemplate template) throws ProviderException {
        return settings.providers().get(home(template)).loadBalancers();
    }

    /**
     * The provider a cluster's load balancer lives on: the one its {@code loadBalancer:} block names, else the one the
     * cluster runs on. Its servers may run elsewhere (the cluster moved, the load balancer stayed): it reaches them by
     * address.
     */
    static String home(ClusterTemplate template) {
        LoadBalancerSpec spec = template.cluster().loadBalancer();
        return spec == null ? template.provider() : spec.home(template.provider());
    }
}
