package io.drover.testkit;

import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.PoolMember;
import io.drover.spi.ProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load balancers of a {@link MemoryCloud}: what a cloud's would keep (a pool per cluster, member states, live
 * counts), nothing that carries traffic. Tests set the counts ({@link #connections}) and kill a load balancer
 * ({@link #kill}); every call that changes a pool is in the cloud's {@link MemoryCloud#log()} (target: the member's
 * name, or the cluster's for the load balancer itself), so a test can check its order against creates and destroys.
 */
public final class MemoryLoadBalancers {
    private final MemoryCloud cloud;
    // guarded by this
    private final Map<Key, Lb> balancers = new LinkedHashMap<>();
    private int nextId = 1;
    private boolean counting = true;

    MemoryLoadBalancers(MemoryCloud cloud) {
        this.cloud = cloud;
    }

    /** A herd's view, as {@link MemoryProvider#loadBalancers()} gives. */
    LoadBalancers session(String herd) {
        return new Session(herd);
    }

    /** The load balancer of a herd's cluster as it is now. */
    public synchronized Optional<LoadBalancer> get(String herd, String cluster) {
        Lb lb = balancers.get(new Key(herd, cluster));
        return lb == null ? Optional.empty() : Optional.of(lb.view(cluster, counting));
    }

    /** Every load balancer of the cloud, of every herd. */
    public synchronized int count() {
        return balancers.size();
    }

    /** Sets the connections under way to a member (a drain waits until they are 0). */
    public synchronized void connections(String herd, String cluster, String member, long count) {
        Lb lb = balancers.get(new Key(herd, cluster));
        if (lb == null || !lb.members.containsKey(member)) {
            throw new IllegalArgumentException("no member " + member + " in the load balancer of " + herd + "/" + cluster);
        }
        lb.members.get(member).active = count;
    }

    /** Whether the load balancers count each member's connections; without (as Octavia), counts are -1. */
    public synchronized void countConnections(boolean count) {
        counting = count;
    }

    /** The load balancer stops serving (a killed HAProxy); {@link LoadBalancers#ensure} brings it back. */
    public synchronized void kill(String herd, String cluster) {
        Lb lb = balancers.get(new Key(herd, cluster));
        if (lb != null) {
            lb.running = false;
        }
    }

    private final class Session implements LoadBalancers {
        private final String herd;

        Session(String herd) {
            this.herd = herd;
        }

        @Override
        public LoadBalancer ensure(LoadBalancerRequest request) throws ProviderException {
            boolean exists;
            synchronized (MemoryLoadBalancers.this) {
                exists = balancers.containsKey(new Key(herd, request.cluster()));
            }
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_ENSURE, herd, request.cluster(), !exists);
            synchronized (MemoryLoadBalancers.this) {
                Lb lb = balancers.computeIfAbsent(new Key(herd, request.cluster()), k -> new Lb("lb-" + nextId++, "10.250.0." + nextId));
                lb.port = request.port();
                lb.targetPort = request.targetPort();
                lb.running = true;
                return lb.view(request.cluster(), counting);
            }
        }

        @Override
        public List<LoadBalancer> list() throws ProviderException {
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_LIST, herd, null, false);
            synchronized (MemoryLoadBalancers.this) {
                List<LoadBalancer> all = new ArrayList<>();
                balancers.forEach((k, lb) -> {
                    if (k.herd.equals(herd)) {
                        all.add(lb.view(k.cluster, counting));
                    }
                });
                return all;
            }
        }

        @Override
        public boolean countsConnections() {
            synchronized (MemoryLoadBalancers.this) {
                return counting;
            }
        }

        @Override
        public void addMember(String cluster, PoolMember.Target target) throws ProviderException {
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_ADD_MEMBER, herd, target.name(), true);
            synchronized (MemoryLoadBalancers.this) {
                Lb lb = existing(cluster);
                Member m = lb.members.computeIfAbsent(target.name(), n -> new Member(target));
                m.state = PoolMember.State.READY;
            }
        }

        @Override
        public void drainMember(String cluster, String name) throws ProviderException {
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_DRAIN_MEMBER, herd, name, true);
            synchronized (MemoryLoadBalancers.this) {
                Lb lb = balancers.get(new Key(herd, cluster));
                Member m = lb == null ? null : lb.members.get(name);
                if (m != null) {
                    m.state = PoolMember.State.DRAINING;
                }
            }
        }

        @Override
        public void removeMember(String cluster, String name) throws ProviderException {
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_REMOVE_MEMBER, herd, name, true);
            synchronized (MemoryLoadBalancers.this) {
                Lb lb = balancers.get(new Key(herd, cluster));
                if (lb != null) {
                    lb.members.remove(name);
                }
            }
        }

        @Override
        public void delete(String cluster) throws ProviderException {
            cloud.loadBalancerCall(MemoryCloud.Operation.LB_DELETE, herd, cluster, true);
            synchronized (MemoryLoadBalancers.this) {
                balancers.remove(new Key(herd, cluster));
            }
        }

        private Lb existing(String cluster) throws ProviderException {
            Lb lb = balancers.get(new Key(herd, cluster));
            if (lb == null) {
                throw new ProviderException("cluster " + cluster + " of herd " + herd + " has no load balancer");
            }
            return lb;
        }
    }

    private record Key(String herd, String cluster) {}

    /** A load balancer as the cloud holds it (mutable, guarded by the outer object). */
    private static final class Lb {
        final String id;
        final String address;
        int port;
        int targetPort;
        boolean running = true;
        final Map<String, Member> members = new LinkedHashMap<>();

        Lb(String id, String address) {
            this.id = id;
            this.address = address;
        }

        LoadBalancer view(String cluster, boolean counting) {
            return new LoadBalancer(cluster, id, address, port, running, members.values().stream().map(m -> m.view(counting)).toList());
        }
    }

    private static final class Member {
        final PoolMember.Target target;
        PoolMember.State state = PoolMember.State.READY;
        long active;
        long served;

        Member(PoolMember.Target target) {
            this.target = target;
        }

        PoolMember view(boolean counting) {
            return new PoolMember(target.name(), target.address(), target.port(), state, counting ? active : -1, counting ? served : -1);
        }
    }
}
