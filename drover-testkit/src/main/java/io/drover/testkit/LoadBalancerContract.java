package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.PoolMember;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Tags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load balancer contract: every promise {@link LoadBalancers} makes, as tests. A provider that offers load
 * balancers runs it by extending this class and saying how to open it ({@link #factory()}, {@link #settings()}), which
 * ports its load balancers may listen on ({@link #port()}), and how to reach behind its back ({@link #killLoadBalancer},
 * {@link #assertNothingLeftOf}). Every test uses a herd of its own and deletes what it made afterwards.
 */
public abstract class LoadBalancerContract {
    @TempDir
    Path tempDir;

    private final String herd = "lbc-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Provider> sessions = new ArrayList<>();

    protected abstract ProviderFactory factory();

    protected abstract Map<String, Object> settings();

    /** A port the test's load balancer may listen on (the local provider: free on the addresses it hands out). */
    protected abstract int port();

    /** Two member addresses: need not serve (a member the load balancer's check fails is DOWN, still a member). */
    protected List<String> memberAddresses() {
        return List.of("127.0.0.1", "127.0.0.2");
    }

    /** Kills the cluster's load balancer as a {@code kill -9} or a crashed appliance would, without telling the provider. */
    protected abstract void killLoadBalancer(String herdName, String cluster, LoadBalancer lb) throws Exception;

    /** Checks that nothing of the cluster's load balancer is left (processes, files, cloud objects the listing misses). */
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) throws Exception {}

    /** How long a cloud may take to show a change (its worker's flows); zero for one that is done when the call returns. */
    protected Duration settleTimeout() {
        return Duration.ofSeconds(30);
    }

    protected Map<String, String> environment() {
        return System.getenv();
    }

    /** A directory of this test's own. */
    protected final Path tempDir() {
        return tempDir;
    }

    protected final String herd() {
        return herd;
    }

    protected final LoadBalancers open(String herdName) throws ProviderException {
        Provider session = factory().open(new ProviderContext(herdName, settings(), tempDir.resolve("herd").resolve(".drover"), environment()));
        sessions.add(session);
        return session.loadBalancers().orElseThrow(() -> new AssertionError(factory().type() + " offers no load balancers"));
    }

    protected final LoadBalancerRequest request(String cluster) {
        return new LoadBalancerRequest(cluster, port(), 8080, new LoadBalancerRequest.Check("/", 8080, Duration.ofMillis(500), 2),
                Map.of(Tags.HERD, herd, Tags.CLUSTER, cluster));
    }

    @AfterEach
    void deleteWhatWasMade() throws Exception {
        try {
            LoadBalancers lbs = open(herd);
            for (LoadBalancer lb : lbs.list()) {
                lbs.delete(lb.cluster());
            }
        } finally {
            for (Provider p : sessions) {
                p.close();
            }
        }
    }

    @Test
    void ensureCreatesALoadBalancerAndAnotherSessionAdoptsItAtTheSameEndpoint() throws Exception {
        LoadBalancer created = open(herd).ensure(request("web"));
        assertThat(created.port()).isEqualTo(port());
        assertThat(created.running()).isTrue();
        assertThat(created.members()).isEmpty();

        LoadBalancer adopted = open(herd).ensure(request("web"));
        assertThat(adopted.id()).isEqualTo(created.id());
        assertThat(adopted.address()).isEqualTo(created.address());
        assertThat(adopted.port()).isEqualTo(created.port());
        assertThat(open(herd).list()).extracting(LoadBalancer::cluster).containsExactly("web");
    }

    @Test
    void aKilledLoadBalancerComesBackOnEnsureAtTheSameEndpointWithItsMembers() throws Exception {
        LoadBalancers lbs = open(herd);
        LoadBalancer lb = lbs.ensure(request("web"));
        lbs.addMember("web", new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080));

        killLoadBalancer(herd, "web", lb);

        LoadBalancer back = open(herd).ensure(request("web"));
        assertThat(back.address()).isEqualTo(lb.address());
        assertThat(back.port()).isEqualTo(lb.port());
        assertThat(back.running()).isTrue();
        assertThat(back.members()).extracting(PoolMember::name).containsExactly("web-0-1");
    }

    @Test
    void addingAMemberTwiceMakesOneMember() throws Exception {
        LoadBalancers lbs = open(herd);
        lbs.ensure(request("web"));
        PoolMember.Target target = new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080);
        lbs.addMember("web", target);
        lbs.addMember("web", target);
        lbs.addMember("web", new PoolMember.Target("web-1-1", memberAddresses().get(1), 8080));

        await().atMost(settleTimeout().plusSeconds(1)).untilAsserted(() -> {
            LoadBalancer lb = lbs.get("web").orElseThrow();
            assertThat(lb.members()).extracting(PoolMember::name).containsExactlyInAnyOrder("web-0-1", "web-1-1");
            assertThat(lb.member("web-0-1").orElseThrow().address()).isEqualTo(memberAddresses().get(0));
            assertThat(lb.member("web-0-1").orElseThrow().port()).isEqualTo(8080);
        });
    }

    @Test
    void aDrainedMemberIsDrainingUntilRemovedAndBothAreIdempotent() throws Exception {
        LoadBalancers lbs = open(herd);
        lbs.ensure(request("web"));
        lbs.addMember("web", new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080));
        lbs.addMember("web", new PoolMember.Target("web-1-1", memberAddresses().get(1), 8080));

        lbs.drainMember("web", "web-0-1");
        lbs.drainMember("web", "web-0-1");
        await().atMost(settleTimeout().plusSeconds(1)).untilAsserted(() ->
                assertThat(lbs.get("web").orElseThrow().member("web-0-1").orElseThrow().state()).isEqualTo(PoolMember.State.DRAINING));
        assertThat(lbs.get("web").orElseThrow().member("web-1-1").orElseThrow().state()).isNotEqualTo(PoolMember.State.DRAINING);

        lbs.removeMember("web", "web-0-1");
        lbs.removeMember("web", "web-0-1");
        lbs.drainMember("web", "never-there");
        lbs.removeMember("web", "never-there");
        await().atMost(settleTimeout().plusSeconds(1)).untilAsserted(() ->
                assertThat(lbs.get("web").orElseThrow().members()).extracting(PoolMember::name).containsExactly("web-1-1"));
    }

    @Test
    void aDrainedMemberAddedAgainIsReadyAgain() throws Exception {
        LoadBalancers lbs = open(herd);
        lbs.ensure(request("web"));
        PoolMember.Target target = new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080);
        lbs.addMember("web", target);
        lbs.drainMember("web", "web-0-1");
        lbs.addMember("web", target);

        await().atMost(settleTimeout().plusSeconds(1)).untilAsserted(() ->
                assertThat(lbs.get("web").orElseThrow().member("web-0-1").orElseThrow().state()).isNotEqualTo(PoolMember.State.DRAINING));
    }

    /**
     * Counts are real where the provider says it counts (nobody sends traffic here, so 0), and -1 ("unknown") where it
     * does not: the engine then drains for the whole drain time instead of waiting for a count that never comes.
     */
    @Test
    void membersCountConnectionsExactlyWhenTheProviderDeclaresIt() throws Exception {
        LoadBalancers lbs = open(herd);
        lbs.ensure(request("web"));
        lbs.addMember("web", new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080));

        PoolMember member = lbs.get("web").orElseThrow().member("web-0-1").orElseThrow();
        if (lbs.countsConnections()) {
            assertThat(member.activeConnections()).isZero();
            assertThat(member.totalRequests()).isZero();
        } else {
            assertThat(member.activeConnections()).isEqualTo(-1);
            assertThat(member.totalRequests()).isEqualTo(-1);
        }
    }

    @Test
    void deleteLeavesNothingAndDeletingAgainIsNoError() throws Exception {
        LoadBalancers lbs = open(herd);
        LoadBalancer lb = lbs.ensure(request("web"));
        lbs.addMember("web", new PoolMember.Target("web-0-1", memberAddresses().get(0), 8080));

        lbs.delete("web");
        lbs.delete("web");
        lbs.delete("never-there");

        assertThat(open(herd).list()).isEmpty();
        assertNothingLeftOf(herd, "web", lb);
    }

    @Test
    void aSessionSeesOnlyItsOwnHerdsLoadBalancers() throws Exception {
        String other = herd + "-other";
        open(herd).ensure(request("web"));
        try {
            assertThat(open(other).list()).isEmpty();
            open(other).delete("web");
            assertThat(open(herd).list()).extracting(LoadBalancer::cluster).containsExactly("web");
        } finally {
            open(other).delete("web");
        }
    }
}
