package io.drover.provider.openstack;

import io.drover.provider.openstack.client.Network;
import io.drover.provider.openstack.client.OctaviaClient;
import io.drover.provider.openstack.client.OctaviaClient.HealthMonitor;
import io.drover.provider.openstack.client.OctaviaClient.Listener;
import io.drover.provider.openstack.client.OctaviaClient.Member;
import io.drover.provider.openstack.client.OctaviaClient.Pool;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.OpenStackException;
import io.drover.provider.openstack.client.Subnet;
import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.PoolMember;
import io.drover.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A herd's load balancers as Octavia load balancers: one per cluster, named {@code <herd>-<cluster>} and marked in its
 * description ({@link Ownership}), with one TCP listener on the request's port, one round-robin pool named
 * {@code <herd>-<cluster>} and one health monitor. Everything is found again by that mark, so a run killed at any point
 * is finished by the next one instead of making a second load balancer, and another herd's are never touched.
 *
 * <p>Octavia does every write in a background flow: the load balancer is {@code PENDING_UPDATE} meanwhile and refuses
 * further writes with 409. Each write here therefore waits for ACTIVE afterwards, and a 409 (another session's write,
 * or a flow a killed run started) waits for ACTIVE and tries again, until the deadline.
 *
 * <p>Octavia counts connections per listener, not per member, so {@link #countsConnections()} is false: a drain
 * (weight 0) lasts the cluster's whole drain time.
 */
final class OctaviaLoadBalancers implements LoadBalancers {
    /**
     * Octavia's flows take 0.1 to 1 s each (several under load) and an ensure is four of them in a row: pauses of at most
     * half a second keep it near the flows' own time; two GETs a second while an amphora boots on a real cloud.
     */
    static final io.drover.retry.Backoff PAUSES = io.drover.retry.Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(500));

    private static final String CHECK_PORT = "drover-check-port=";

    private final String herd;
    private final OpenStackClient client;
    private final OpenStackSettings settings;
    private final Poller poller;
    private final Duration timeout;
    private final Clock clock;

    OctaviaLoadBalancers(String herd, OpenStackClient client, OpenStackSettings settings, Poller poller, Duration timeout, Clock clock) {
        this.herd = herd;
        this.client = client;
        this.settings = settings;
        this.poller = poller;
        this.timeout = timeout;
        this.clock = clock;
    }

    private OctaviaClient octavia() {
        return client.octavia();
    }

    @Override
    public boolean countsConnections() {
        return false;
    }

    @Override
    public synchronized LoadBalancer ensure(LoadBalancerRequest request) throws ProviderException {
        return OpenStackProvider.guard(() -> {
            Ownership owner = new Ownership(herd, request.cluster());
            OctaviaClient.LoadBalancer lb = find(owner).orElse(null);
            if (lb == null) {
                Network network = client.neutron().findNetwork(settings.network());
                Subnet subnet = client.neutron().listSubnets(network.id()).stream().filter(s -> s.ipVersion() == 4).findFirst()
                        .or(() -> client.neutron().listSubnets(network.id()).stream().findFirst())
                        .orElseThrow(() -> new ProviderException("Network '" + settings.network()
                                + "' has no subnet for the load balancer's address. Give it a subnet, or set 'network' to one that has."));
                lb = octavia().createLoadBalancer(owner.clusterResourceName(), owner.description(),
                        List.of("drover-herd=" + herd, "drover-cluster=" + request.cluster()), network.id(), subnet.id());
            }
            String id = lb.id();
            lb = awaitActive(id);
            if (!lb.adminStateUp()) {
                write(id, () -> octavia().setLoadBalancerAdminState(id, true));
            }
            String poolDescription = owner.description() + " " + CHECK_PORT + request.check().port();
            Pool pool = pool(id, owner).orElse(null);
            if (pool == null) {
                pool = write(id, () -> octavia().createPool(id, owner.clusterResourceName(), poolDescription));
            } else if (!poolDescription.equals(pool.description())) {
                String poolId = pool.id();
                write(id, () -> octavia().setPoolDescription(poolId, poolDescription));
            }
            ensureMonitor(id, pool, request.check());
            String poolId = pool.id();
            boolean listening = false;
            for (Listener listener : octavia().listListeners(id)) {
                if (listener.protocolPort() == request.port() && poolId.equals(listener.defaultPoolId())) {
                    listening = true;
                } else {
                    write(id, () -> octavia().deleteListener(listener.id())); // the port changed: Octavia cannot move a listener
                }
            }
            if (!listening) {
                write(id, () -> octavia().createListener(id, owner.clusterResourceName(), request.port(), poolId));
            }
            return describe(owner, awaitActive(id));
        });
    }

    /** The pool's monitor made to match the check; a monitor of the wrong type is replaced (Octavia cannot change it). */
    private void ensureMonitor(String lbId, Pool pool, LoadBalancerRequest.Check check) throws ProviderException {
        int delay = (int) Math.max(1, (check.interval().toMillis() + 999) / 1000);
        HealthMonitor wanted = new HealthMonitor(null, check.httpPath() == null ? "TCP" : "HTTP", delay, delay,
                Math.clamp(check.failures(), 1, 10), check.httpPath());
        Optional<HealthMonitor> existing = pool.healthMonitorId() == null ? Optional.empty() : octavia().findHealthMonitor(pool.healthMonitorId());
        if (existing.isPresent() && !existing.get().type().equals(wanted.type())) {
            write(lbId, () -> octavia().deleteHealthMonitor(existing.get().id()));
        } else if (existing.isPresent()) {
            HealthMonitor m = existing.get();
            if (m.delay() != wanted.delay() || m.timeout() != wanted.timeout() || m.maxRetries() != wanted.maxRetries()
                    || (wanted.urlPath() != null && !wanted.urlPath().equals(m.urlPath()))) {
                write(lbId, () -> octavia().updateHealthMonitor(m.id(), wanted));
            }
            return;
        }
        write(lbId, () -> octavia().createHealthMonitor(pool.id(), wanted));
    }

    @Override
    public List<LoadBalancer> list() throws ProviderException {
        return OpenStackProvider.guard(() -> {
            List<LoadBalancer> all = new ArrayList<>();
            for (OctaviaClient.LoadBalancer lb : octavia().listLoadBalancers()) {
                Optional<Ownership> owner = Ownership.parse(lb.description()).filter(o -> o.herd().equals(herd));
                if (owner.isPresent() && !"DELETED".equals(lb.provisioningStatus())) {
                    all.add(describe(owner.get(), lb));
                }
            }
            return all;
        });
    }

    @Override
    public synchronized void addMember(String cluster, PoolMember.Target target) throws ProviderException {
        OpenStackProvider.guard(() -> {
            Ownership owner = new Ownership(herd, cluster);
            OctaviaClient.LoadBalancer lb = requireLoadBalancer(owner);
            Pool pool = pool(lb.id(), owner).orElseThrow(() -> missing(owner));
            Optional<Member> existing = member(pool, target.name());
            if (existing.isPresent() && (!existing.get().address().equals(target.address()) || existing.get().protocolPort() != target.port())) {
                write(lb.id(), () -> octavia().deleteMember(pool.id(), existing.get().id())); // same name, new server
            } else if (existing.isPresent()) {
                if (existing.get().weight() == 0) {
                    write(lb.id(), () -> octavia().setMemberWeight(pool.id(), existing.get().id(), 1));
                }
                return null;
            }
            int checkPort = checkPort(pool).orElse(target.port());
            write(lb.id(), () -> octavia().createMember(pool.id(), target.name(), target.address(), target.port(), checkPort));
            return null;
        });
    }

    @Override
    public synchronized void drainMember(String cluster, String name) throws ProviderException {
        changeMember(cluster, name, (lbId, pool, m) -> {
            if (m.weight() != 0) {
                write(lbId, () -> octavia().setMemberWeight(pool.id(), m.id(), 0));
            }
        });
    }

    @Override
    public synchronized void removeMember(String cluster, String name) throws ProviderException {
        changeMember(cluster, name, (lbId, pool, m) -> write(lbId, () -> octavia().deleteMember(pool.id(), m.id())));
    }

    @FunctionalInterface
    private interface MemberChange {
        void apply(String lbId, Pool pool, Member member) throws ProviderException;
    }

    private void changeMember(String cluster, String name, MemberChange change) throws ProviderException {
        OpenStackProvider.guard(() -> {
            Ownership owner = new Ownership(herd, cluster);
            Optional<OctaviaClient.LoadBalancer> lb = find(owner);
            Optional<Pool> pool = lb.isEmpty() ? Optional.empty() : pool(lb.get().id(), owner);
            Optional<Member> member = pool.isEmpty() ? Optional.empty() : member(pool.get(), name);
            if (member.isPresent()) {
                change.apply(lb.get().id(), pool.get(), member.get());
            }
            return null;
        });
    }

    @Override
    public synchronized void delete(String cluster) throws ProviderException {
        OpenStackProvider.guard(() -> {
            Ownership owner = new Ownership(herd, cluster);
            // Every load balancer with this mark: a create whose answer was lost may have made two.
            for (OctaviaClient.LoadBalancer lb : octavia().listLoadBalancers()) {
                if (Ownership.parse(lb.description()).filter(owner::equals).isPresent() && !"DELETED".equals(lb.provisioningStatus())) {
                    write(lb.id(), () -> octavia().deleteLoadBalancerCascade(lb.id()));
                }
            }
            return null;
        });
    }

    // ---- helpers

    private Optional<OctaviaClient.LoadBalancer> find(Ownership owner) {
        return octavia().listLoadBalancers().stream()
                .filter(lb -> Ownership.parse(lb.description()).filter(owner::equals).isPresent())
                .filter(lb -> !"DELETED".equals(lb.provisioningStatus()) && !"PENDING_DELETE".equals(lb.provisioningStatus()))
                .findFirst();
    }

    private OctaviaClient.LoadBalancer requireLoadBalancer(Ownership owner) throws ProviderException {
        return find(owner).orElseThrow(() -> missing(owner));
    }

    private static ProviderException missing(Ownership owner) {
        return new ProviderException("Cluster '" + owner.cluster() + "' has no load balancer (Octavia load balancer '"
                + owner.clusterResourceName() + "') yet. Run 'drover apply' to create it.");
    }

    private Optional<Pool> pool(String lbId, Ownership owner) {
        return octavia().listPools(lbId).stream().filter(p -> owner.clusterResourceName().equals(p.name())).findFirst();
    }

    private Optional<Member> member(Pool pool, String name) {
        return octavia().listMembers(pool.id()).stream().filter(m -> name.equals(m.name())).findFirst();
    }

    private static Optional<Integer> checkPort(Pool pool) {
        if (pool.description() != null) {
            for (String word : pool.description().split("\\s+")) {
                if (word.startsWith(CHECK_PORT)) {
                    return Optional.of(Integer.parseInt(word.substring(CHECK_PORT.length())));
                }
            }
        }
        return Optional.empty();
    }

    private LoadBalancer describe(Ownership owner, OctaviaClient.LoadBalancer lb) {
        List<PoolMember> members = new ArrayList<>();
        Optional<Pool> pool = pool(lb.id(), owner);
        int port = 0;
        List<Listener> listeners = octavia().listListeners(lb.id());
        if (!listeners.isEmpty()) {
            port = listeners.get(0).protocolPort();
        }
        if (pool.isPresent()) {
            for (Member m : octavia().listMembers(pool.get().id())) {
                members.add(new PoolMember(m.name(), m.address(), m.protocolPort(), state(m), -1, -1));
            }
        }
        boolean running = lb.adminStateUp() && !"ERROR".equals(lb.provisioningStatus()) && !listeners.isEmpty();
        return new LoadBalancer(owner.cluster(), lb.id(), lb.vipAddress(), port, running, members);
    }

    /** Weight 0 is a drain; otherwise the amphorae's verdict (NO_MONITOR: nothing checks it, so it gets traffic). */
    private static PoolMember.State state(Member m) {
        if (m.weight() == 0) {
            return PoolMember.State.DRAINING;
        }
        return switch (m.operatingStatus() == null ? "" : m.operatingStatus()) {
            case "ONLINE", "NO_MONITOR" -> PoolMember.State.READY;
            default -> PoolMember.State.DOWN;
        };
    }

    /** Waits until the load balancer is ACTIVE (its last flow done); ERROR or a time-out is an error. */
    private OctaviaClient.LoadBalancer awaitActive(String id) throws ProviderException {
        Optional<OctaviaClient.LoadBalancer> active = poller.await(timeout, () -> {
            Optional<OctaviaClient.LoadBalancer> lb = octavia().findLoadBalancer(id);
            if (lb.isEmpty()) {
                return Optional.of(new OctaviaClient.LoadBalancer(id, null, null, null, "DELETED", false));
            }
            if ("ERROR".equals(lb.get().provisioningStatus())) {
                throw new OpenStackException("Octavia load balancer " + id + " is in ERROR (see 'openstack loadbalancer show " + id
                        + "'). Delete it with 'openstack loadbalancer delete --cascade " + id + "' and run 'drover apply' again.", 0, false, null);
            }
            return "ACTIVE".equals(lb.get().provisioningStatus()) ? lb : Optional.empty();
        });
        return active.orElseThrow(() -> new ProviderException("Octavia load balancer " + id + " did not become ACTIVE within "
                + timeout.toSeconds() + " s. Check the Octavia worker, then run 'drover apply' again.", true, null));
    }

    private void write(String lbId, Runnable call) throws ProviderException {
        write(lbId, () -> {
            call.run();
            return null;
        });
    }

    /**
     * One write to a load balancer's tree, then waits for its flow to finish. A 409 means another flow is under way:
     * wait for it and try again, until the deadline.
     */
    private <T> T write(String lbId, Supplier<T> call) throws ProviderException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            try {
                T result = call.get();
                awaitActive(lbId);
                return result;
            } catch (OpenStackException e) {
                if (!e.isConflict() || clock.instant().isAfter(deadline)) {
                    throw e;
                }
                awaitActive(lbId);
            }
        }
    }
}
