package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.spi.LoadBalancer;
import io.drover.spi.ProviderFactory;
import java.time.Duration;
import java.util.Map;

/** The in-memory load balancers keep the load balancer contract, so engine tests on them mean something. */
class MemoryLoadBalancerContractTest extends LoadBalancerContract {
    final MemoryCloud cloud = MemoryCloud.create();

    @Override
    protected ProviderFactory factory() {
        return new MemoryProviderFactory(cloud);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of();
    }

    @Override
    protected int port() {
        return 8080;
    }

    @Override
    protected void killLoadBalancer(String herdName, String cluster, LoadBalancer lb) {
        cloud.loadBalancers().kill(herdName, cluster);
        assertThat(cloud.loadBalancers().get(herdName, cluster).orElseThrow().running()).isFalse();
    }

    @Override
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) {
        assertThat(cloud.loadBalancers().get(herdName, cluster)).isEmpty();
    }

    @Override
    protected Duration settleTimeout() {
        return Duration.ZERO;
    }
}
