package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.OctaviaClient;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.spi.LoadBalancer;
import io.drover.spi.ProviderFactory;
import io.drover.testkit.LoadBalancerContract;
import io.drover.provider.openstack.client.Network;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The OpenStack provider's load balancers (Octavia) keep the load balancer contract on a real cloud ({@code OS_CLOUD};
 * in CI the all-in-one, whose Octavia runs the real API and worker flows on noop drivers: provisioning status is real,
 * no traffic flows, so members are never ONLINE and counts are unknown, which {@code countsConnections()} declares).
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackLoadBalancerContractTest extends LoadBalancerContract {
    /** For looking behind the provider's back; one for the class (each login costs a second or more). */
    private static OpenStackClient admin;

    @BeforeAll
    static void connectAdmin() {
        admin = TestCloud.client();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("network", "private", "bootTimeout", Duration.ofMinutes(2));
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
        admin.octavia().setLoadBalancerAdminState(lb.id(), false);
        assertThat(open(herdName).get(cluster).orElseThrow().running()).isFalse();
    }

    /**
     * What an apply kill -9'd right after Octavia accepted the load balancer leaves: a marked load balancer, still
     * PENDING_CREATE, with no pool, monitor or listener. The next ensure adopts and finishes it; it makes no second one.
     */
    @Test
    void aHalfMadeLoadBalancerOfAKilledRunIsAdoptedAndFinishedNotDuplicated() throws Exception {
        Network network = admin.neutron().findNetwork("private");
        String subnet = admin.neutron().listSubnets(network.id()).get(0).id();
        Ownership owner = new Ownership(herd(), "web");
        OctaviaClient.LoadBalancer leftOver = admin.octavia().createLoadBalancer(owner.clusterResourceName(), owner.description(),
                List.of(), network.id(), subnet);

        LoadBalancer lb = open(herd()).ensure(request("web"));

        assertThat(lb.id()).isEqualTo(leftOver.id());
        assertThat(lb.running()).isTrue();
        assertThat(lb.port()).isEqualTo(port());
        assertThat(admin.octavia().listLoadBalancers()).filteredOn(l -> owner.description().equals(l.description())).hasSize(1);
        assertThat(admin.octavia().listListeners(lb.id())).extracting(OctaviaClient.Listener::protocolPort).containsExactly(port());
        OctaviaClient.Pool pool = admin.octavia().listPools(lb.id()).get(0);
        assertThat(admin.octavia().findHealthMonitor(pool.healthMonitorId()).orElseThrow().urlPath()).isEqualTo("/");
    }

    /** The load balancer is gone from Octavia itself (404), not only from the herd's listing; so are its pools. */
    @Override
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) {
        assertThat(admin.octavia().findLoadBalancer(lb.id())).isEmpty();
        assertThat(admin.octavia().listLoadBalancers()).extracting(OctaviaClient.LoadBalancer::name)
                .doesNotContain(herdName + "-" + cluster);
    }
}
