package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.provider.openstack.client.Network;
import io.drover.provider.openstack.client.OctaviaClient;
import io.drover.provider.openstack.client.Server;
import io.drover.provider.openstack.client.Subnet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web cluster behind an Octavia load balancer on a real OpenStack ({@code OS_CLOUD}; in CI the all-in-one, whose
 * Octavia runs its real API and worker flows on noop drivers), seen through Octavia's own API: an apply makes the load
 * balancer with a member per server; in a rolling replacement the new member is in the pool before the old one is set
 * to weight 0 (drained) and then removed; an apply killed with -9 right after Octavia took a new member is finished by
 * one more, with one load balancer and exactly the recorded servers as members; destroy leaves no load balancer.
 *
 * <p>The all-in-one's fake compute driver runs no guest, and tests send no traffic off loopback; so the servers go on
 * a network of this test's own whose subnet is a loopback range (127.0.225.0/24: Neutron takes it), and the tcp health
 * check Drover makes before a server joins reaches sockets this test listens on at those addresses, standing in for
 * the guests' web servers. Everything Octavia and Nova do is real.
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackLoadBalancedEndToEndTest {
    private static final String RANGE = "127.0.225.";

    @TempDir
    static Path dir;

    private OpenStackHerd herd;
    private Network network;
    private Subnet subnet;
    private final List<ServerSocket> guests = new ArrayList<>();
    private int port;

    @BeforeAll
    void networkAndGuests() throws IOException {
        herd = OpenStackHerd.in(dir, "lbtest");
        Assumptions.assumeTrue(herd.client().session().token().catalog().endpoints().stream()
                .anyMatch(e -> "load-balancer".equals(e.serviceType())), "no load-balancer service in the catalog");
        network = herd.client().neutron().createNetwork(herd.name + "-net");
        subnet = herd.client().neutron().createSubnet(network.id(), herd.name + "-subnet", RANGE + "0/24",
                Map.of("enable_dhcp", false, "gateway_ip", RANGE + "1"));
        // A bound socket completes TCP handshakes from its backlog: enough for a tcp health check, no thread needed.
        for (int i = 2; i <= 254; i++) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(RANGE + i), port), 50);
            port = s.getLocalPort();
            guests.add(s);
        }
        write(1, "v1");
    }

    @AfterAll
    void destroyAndCleanUp() throws IOException {
        try {
            if (network != null) {
                Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
                // The safety net: whatever of the herd's load balancer is left, without Drover.
                lb().ifPresent(lb -> herd.client().octavia().deleteLoadBalancerCascade(lb.id()));
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> lb().isEmpty());
            }
        } finally {
            try {
                herd.purge(); // the servers and their ports first: a subnet with ports cannot go
                if (subnet != null) {
                    herd.client().neutron().deleteSubnet(subnet.id());
                }
                if (network != null) {
                    herd.client().neutron().deleteNetwork(network.id());
                }
                herd.close();
            } finally {
                for (ServerSocket s : guests) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void applyMakesTheLoadBalancerWithAMemberPerServer() {
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();

        OctaviaClient.LoadBalancer lb = lb().orElseThrow();
        assertThat(lb.provisioningStatus()).isEqualTo("ACTIVE");
        assertThat(lb.description()).contains("drover-herd=" + herd.name).contains("drover-cluster=web");
        assertThat(herd.client().octavia().listListeners(lb.id())).singleElement().satisfies(l -> assertThat(l.protocolPort()).isEqualTo(80));
        assertThat(members()).extracting(OctaviaClient.Member::address)
                .containsExactlyInAnyOrderElementsOf(herd.servers().stream().map(this::address).toList());
        assertThat(members()).allSatisfy(m -> assertThat(m.weight()).isOne());
        assertThat(drover("output", "lb_url").out().strip()).isEqualTo("http://" + lb.vipAddress() + ":80/");
    }

    @Test
    @Order(2)
    void inARollingReplacementEachNewMemberIsInThePoolBeforeTheOldOneIsDrainedAndRemoved() throws Exception {
        write(1, "v2");
        Cli.Result plan = drover("plan");
        assertThat(plan.out()).contains("will be drained (at most 1 s)");
        String pool = herd.client().octavia().listPools(lb().orElseThrow().id()).getFirst().id();
        List<Map<String, Integer>> seen = new CopyOnWriteArrayList<>(); // each look at the pool: member name -> weight
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        Cli.Result apply;
        try {
            watcher.scheduleWithFixedDelay(() -> seen.add(herd.client().octavia().listMembers(pool).stream()
                    .collect(Collectors.toMap(OctaviaClient.Member::name, OctaviaClient.Member::weight))), 0, 100, TimeUnit.MILLISECONDS);
            apply = drover("apply", "--auto-approve");
        } finally {
            watcher.shutdownNow();
            assertThat(watcher.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        for (int slot = 0; slot < 1; slot++) {
            String old = "web-" + slot + "-1";
            String neu = "web-" + slot + "-2";
            int joined = first(seen, m -> m.containsKey(neu));
            int drained = first(seen, m -> Integer.valueOf(0).equals(m.get(old)));
            int removed = first(seen, m -> !m.containsKey(old));
            assertThat(List.of(joined, drained, removed)).as("slot %d: %s joins, then %s is at weight 0, then gone; looks: %s", slot, neu, old, seen)
                    .doesNotContain(-1).isSorted();
            assertThat(seen.get(drained)).as("while %s drains, %s serves", old, neu).containsEntry(neu, 1);
        }
        assertThat(members()).extracting(OctaviaClient.Member::name).containsExactly("web-0-2");
    }

    @Test
    @Order(3)
    void applyKilledRightAfterOctaviaTookANewMemberIsFinishedByOneMoreApply() throws Exception {
        write(2, "v2");
        long t0 = System.nanoTime();
        Process apply = new DroverProcess(dir, null, "apply-killed.log").start("apply", "--auto-approve", "-f", herd.file.toString());
        try {
            await("the new member is in Octavia's pool").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !apply.isAlive() || members().size() == 2);
            assertThat(apply.isAlive()).as("the apply still runs:\n" + Files.readString(dir.resolve("apply-killed.log"))).isTrue();
        } finally {
            apply.destroyForcibly(); // SIGKILL
            assertThat(apply.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        long killed = System.nanoTime();
        Cli.Result again = drover("apply", "--auto-approve");
        System.out.printf("apply killed after %d ms (the new member in the pool); the next apply took %d ms%n",
                (killed - t0) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(herd.client().octavia().listLoadBalancers()).filteredOn(lb -> lb.name().equals(herd.name + "-web")).hasSize(1);
        List<String> recorded = new ArrayList<>();
        Json.MAPPER.readTree(drover("show", "--json").out()).path("servers").forEach(s -> recorded.add(s.get("name").asString()));
        assertThat(recorded).hasSize(2);
        assertThat(members()).extracting(OctaviaClient.Member::name).containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(members()).allSatisfy(m -> assertThat(m.weight()).isOne());
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void destroyLeavesNoLoadBalancerListenerPoolOrMember() {
        String id = lb().orElseThrow().id();
        Cli.Result destroy = drover("destroy", "--auto-approve");
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();

        assertThat(lb()).isEmpty();
        // Octavia itself says 404 (not only "not in the herd's listing"), and its listeners and pools went with it.
        assertThat(herd.client().octavia().findLoadBalancer(id)).isEmpty();
        assertThat(herd.servers()).isEmpty();
        assertThat(drover("plan", "--destroy", "--detailed-exitcode").exitCode()).isZero();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void write(int size, String version) {
        herd.write("""
                herd: %s
                provider:
                  type: openstack
                  network: %s
                  bootTimeout: 2m
                clusters:
                  web:
                    size: %d
                    role: plain
                    image: tiny
                    antiAffinity: false
                    provider:
                      flavor: m1.tiny
                    health: {type: tcp, port: %d, interval: 250ms, startTimeout: 60s}
                    loadBalancer: {port: 80, drain: 1s}
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/version
                            contents: {inline: "%s"}
                outputs:
                  lb_url: ${clusters.web.lb_url}
                """.formatted(herd.name, network.name(), size, port, version));
    }

    private Optional<OctaviaClient.LoadBalancer> lb() {
        return herd.client().octavia().listLoadBalancers().stream().filter(lb -> lb.name().equals(herd.name + "-web"))
                .filter(lb -> !"DELETED".equals(lb.provisioningStatus())).findFirst();
    }

    private List<OctaviaClient.Member> members() {
        OctaviaClient.LoadBalancer lb = lb().orElseThrow();
        return herd.client().octavia().listMembers(herd.client().octavia().listPools(lb.id()).getFirst().id());
    }

    private String address(Server s) {
        return s.fixedIps().stream().filter(a -> a.startsWith(RANGE)).findFirst().orElseThrow();
    }

    private static int first(List<Map<String, Integer>> seen, java.util.function.Predicate<Map<String, Integer>> p) {
        for (int i = 0; i < seen.size(); i++) {
            if (p.test(seen.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herd.file.toString());
        return Cli.run(all.toArray(String[]::new));
    }
}
