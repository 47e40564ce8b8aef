package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.OctaviaClient;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.spi.LoadBalancer;
import io.drover.spi.ProviderFactory;
import io.drover.testkit.LoadBalancerContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
    protected java.util.List<String> memberAddresses() {
        return java.util.List.of("10.10.0.190", "10.10.0.191");
    }

    /** An operator (or a failover gone wrong) set the load balancer administratively down: it serves nobody. */
    @Override
    protected void killLoadBalancer(String herdName, String cluster, LoadBalancer lb) throws Exception {
        admin.octavia().setLoadBalancerAdminState(lb.id(), false);
        assertThat(open(herdName).get(cluster).orElseThrow().running()).isFalse();
    }

    /** The load balancer is gone from Octavia itself (404), not only from the herd's listing; so are its pools. */
    @Override
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) {
        assertThat(admin.octavia().findLoadBalancer(lb.id())).isEmpty();
        assertThat(admin.octavia().listLoadBalancers()).extracting(OctaviaClient.LoadBalancer::name)
                .doesNotContain(herdName + "-" + cluster);
    }
}
