package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.testkit.LoadBalancerContract;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local provider's load balancers keep the load balancer contract with a real HAProxy (Debian's), each on an
 * address of 127.0.163.0/24, members on 127.0.164.x that nobody answers on (the contract needs no traffic).
 */
class LocalLoadBalancerContractTest extends LoadBalancerContract {
    static final int PORT = 20080;

    @Override
    protected ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of(LocalSettings.ADDRESSES, "127.0.163.0/24");
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(LocalSettings.LEASES_ENV, tempDir().resolve("leases").toString());
        return env;
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected List<String> memberAddresses() {
        return List.of("127.0.164.1", "127.0.164.2");
    }

    @Override
    protected Duration settleTimeout() {
        return Duration.ZERO;
    }

    /** The whole process group (supervisor and HAProxy) killed: only the next ensure brings it back. */
    @Override
    protected void killLoadBalancer(String herdName, String cluster, LoadBalancer lb) throws Exception {
        Path dir = loadBalancers(herdName).directory(cluster);
        LocalHerd.killGroup(LocalServers.processGroup(dir).orElseThrow());
        await().atMost(Duration.ofSeconds(5)).until(() -> !answers(lb));
        assertThat(open(herdName).get(cluster).orElseThrow().running()).isFalse();
    }

    @Override
    protected void assertNothingLeftOf(String herdName, String cluster, LoadBalancer lb) throws Exception {
        Path dir = loadBalancers(herdName).directory(cluster);
        assertThat(dir).doesNotExist();
        assertThat(answers(lb)).as("nothing listens on " + lb.address() + ":" + lb.port()).isFalse();
        Path leases = tempDir().resolve("leases");
        if (Files.isDirectory(leases)) {
            try (var files = Files.list(leases)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("address leases").noneMatch(n -> n.startsWith(lb.address()));
            }
        }
    }

    @Test
    void aKilledHaproxyIsRestartedByItsSupervisorAtTheSameEndpointWithItsMembers() throws Exception {
        LocalLoadBalancers lbs = loadBalancers(herd());
        LoadBalancer lb = lbs.ensure(request("web"));
        lbs.addMember("web", new io.drover.spi.PoolMember.Target("web-0-1", "127.0.164.1", 8080));
        long pid = lbs.haproxyPid("web").orElseThrow();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL

        await().atMost(Duration.ofSeconds(5)).until(() -> lbs.haproxyPid("web").filter(p -> p != pid).isPresent() && answers(lb));
        LoadBalancer back = lbs.get("web").orElseThrow();
        assertThat(back.running()).isTrue();
        assertThat(back.members()).extracting(m -> m.name()).containsExactly("web-0-1");
    }

    private LocalLoadBalancers loadBalancers(String herdName) throws Exception {
        return (LocalLoadBalancers) factory().open(new ProviderContext(herdName, settings(), tempDir().resolve("herd").resolve(".drover"), environment()))
                .loadBalancers().orElseThrow();
    }

    private static boolean answers(LoadBalancer lb) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(lb.address(), lb.port()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
