package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.OctaviaClient;
import io.drover.spi.LoadBalancer;
import io.drover.spi.PoolMember;
import io.drover.spi.ProviderFactory;
import io.drover.testkit.LoadBalancerContract;
import io.drover.provider.openstack.client.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenStack provider's load balancers (Octavia) keep the load balancer contract on a real cloud ({@code OS_CLOUD};
 * in CI the all-in-one, whose Octavia runs the real API and worker flows on noop drivers: provisioning status is real,
 * no traffic flows, so members are never ONLINE and counts are unknown, which {@code countsConnections()} declares).
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackLoadBalancerContractTest extends LoadBalancerContract {
    @RegisterExtension
    static final AdminClient admin = new AdminClient();

    @BeforeAll
    static void needsOctavia() {
        // A cloud without Octavia (the all-in-one with ENABLE_OCTAVIA=0) has nothing to test here.
        Assumptions.assumeTrue(admin.client().session().token().catalog().endpoints().stream()
                .anyMatch(e -> "load-balancer".equals(e.serviceType())), "no load-balancer service in the catalog");
    }

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected Map<String, Object> settings() {
        return TestCloud.providerSettings();
    }

    @Override
    protected Map<String, String> environment() {
        return TestCloud.environment();
    }

    @Override
    protected int port() {
        return 80;
    }

    @Override
    protected List<String> memberAddresses() {
        return List.of("10.10.0.190", "10.10.0.191");
    }

    /** An operator (or a failover gone wrong) set the load balancer administratively down: it serves nobody. */
    @Override
    protected void killLoadBalancer(String herdName, String cluster, LoadBalancer lb) throws Exception {
        admin.client().octavia().setLoadBalancerAdminState(lb.id(), false);
        assertThat(open(herdName).get(cluster).orElseThrow().running()).isFalse();
    }

    /**
     * What an apply kill -9'd right after Octavia accepted the load balancer leaves: a marked load balancer, still
     * PENDING_CREATE, with no pool, monitor or listener. The next ensure adopts and finishes it; it makes no second one.
     */
    @Test
    void aHalfMadeLoadBalancerOfAKilledRunIsAdoptedAndFinishedNotDuplicated() throws Exception {
        Network network = admin.client().neutron().findNetwork("private");
        String subnet = admin.client().neutron().listSubnets(network.id()).get(0).id();
        Ownership owner = new Ownership(herd(), "web");
        OctaviaClient.LoadBalancer leftOver = admin.client().octavia().createLoadBalancer(owner.clusterResourceName(), owner.description(),
                List.of(), network.id(), subnet);

        LoadBalancer lb = open(herd()).ensure(request("web"));

        assertThat(lb.id()).isEqualTo(leftOver.id());
        assertThat(lb.running()).isTrue();
        assertThat(lb.port()).isEqualTo(port());
        assertThat(admin.client().octavia().listLoadBalancers()).filteredOn(l -> owner.description().equals(l.description())).hasSize(1);
        assertThat(admin.client().octavia().listListeners(lb.id())).extracting(OctaviaClient.Listener::protocolPort).containsExactly(port());
        OctaviaClient.Pool pool = admin.client().octavia().listPools(lb.id()).get(0);
        assertThat(admin.client().octavia().findHealthMonitor(pool.healthMonitorId()).orElseThrow().urlPath()).isEqualTo("/");
    }

    /**
     * Two sessions writing to one load balancer at once: Octavia refuses the second write with 409 while the first one's
     * flow runs (PENDING_UPDATE); that write waits for ACTIVE and goes through, so both members land.
     */
    @Test
    void writesThatMeetAnotherWritesFlowWaitForItAndLand() throws Exception {
        open(herd()).ensure(request("web"));
        var first = open(herd());
        var second = open(herd());
        var start = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> {
                start.await();
                first.addMember("web", new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080));
                return null;
            });
            var b = pool.submit(() -> {
                start.await();
                second.addMember("web", new PoolMember.Target("web-1-1", memberAddresses().get(1), 8080));
                return null;
            });
            start.countDown();
            a.get();
            b.get();
        }
        assertThat(open(herd()).get("web").orElseThrow().members()).extracting(PoolMember::name)
                .containsExactlyInAnyOrder("web-0-1", "web-1-1");
    }

    /** The load balancer is gone from Octavia itself (404), not only from the herd's listing; so are its pools. */
    @Override
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) {
        assertThat(admin.client().octavia().findLoadBalancer(lb.id())).isEmpty();
        assertThat(admin.client().octavia().listLoadBalancers()).extracting(OctaviaClient.LoadBalancer::name)
                .doesNotContain(herdName + "-" + cluster);
    }
}
