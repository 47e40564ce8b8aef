package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.FaultProxy;
import io.drover.provider.openstack.client.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The CLI against a real OpenStack that fails one request in five (lost requests, lost answers, 503, 429,
 * slow answers), through {@link FaultProxy}: {@code apply} and {@code destroy} still converge. The CLI runs as a
 * subprocess that knows the cloud only through the {@code OS_*} variables pointing at the proxy.
 * (Plain servers with process health: see {@link OpenStackHerd} for why.)
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackFaultsTest {
    private static final int SIZE = 3;
    private static final double FAULT_RATE = 0.2;
    /** Each run retries what failed; a few runs are what "converges" allows (the state records every finished step). */
    private static final int MAX_RUNS = 3;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    private OpenStackHerd herd;
    private FaultProxy proxy;
    private DroverProcess drover;

    @BeforeAll
    void putTheProxyInFrontOfTheCloud() throws Exception {
        herd = OpenStackHerd.in(dir, "ostest-faults");
        herd.writePlain(SIZE, true, "v1");
        proxy = FaultProxy.start(OpenStackHerd.upstreams(), FaultProxy.Plan.failing(FAULT_RATE, 7));
        Map<String, String> env = OpenStackHerd.environmentThrough(proxy);
        drover = new DroverProcess(dir, env);
    }

    @AfterAll
    void destroyWhateverIsLeft() {
        try {
            if (proxy != null) {
                proxy.close();
            }
            Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
        } finally {
            herd.close();
        }
    }

    @Test
    @Order(1)
    void applyConvergesThroughTwentyPercentFaults() {
        int runs = runUntilSuccess("apply");
        int faults = proxy.injectedTotal();

        List<Server> servers = herd.servers();
        assertThat(servers).hasSize(SIZE).allSatisfy(s -> assertThat(s.status()).isEqualTo("ACTIVE"));
        assertThat(servers.stream().map(s -> s.metadata().get("drover-resource")))
                .containsExactlyInAnyOrder("node[0]", "node[1]", "node[2]");
        assertThat(recordedIds()).isEqualTo(servers.stream().map(Server::id).collect(Collectors.toSet()));
        assertThat(herd.orphanedPorts()).isEmpty();
        assertThat(herd.ports()).hasSize(SIZE);
        assertThat(herd.serverGroups()).hasSize(1);
        assertThat(herd.securityGroups()).hasSize(1);
        assertThat(faults).as("faults injected in " + proxy.requests() + " requests").isGreaterThan(5);
        System.out.printf("apply: %d run(s), %d faults in %d requests%n", runs, faults, proxy.requests());
    }

    @Test
    @Order(2)
    void destroyConvergesThroughTwentyPercentFaults() {
        int before = proxy.injectedTotal();
        int runs = runUntilSuccess("destroy");

        assertThat(herd.servers()).isEmpty();
        assertThat(herd.ports()).isEmpty();
        assertThat(herd.serverGroups()).isEmpty();
        assertThat(herd.securityGroups()).isEmpty();
        assertThat(recordedIds()).isEmpty();
        assertThat(proxy.injectedTotal() - before).as("faults injected during destroy").isPositive();
        System.out.printf("destroy: %d run(s), %d faults%n", runs, proxy.injectedTotal() - before);
    }

    /** Runs the command until it succeeds, at most {@link #MAX_RUNS} times; returns how many runs it took. */
    private int runUntilSuccess(String command) {
        List<String> failures = new ArrayList<>();
        for (int run = 1; run <= MAX_RUNS; run++) {
            Cli.Result r = drover.run(RUN_TIMEOUT, command, "--auto-approve", "-f", herd.file.toString());
            if (r.exitCode() == 0) {
                return run;
            }
            failures.add(r.toString());
        }
        throw new AssertionError(command + " did not converge in " + MAX_RUNS + " runs:\n" + String.join("\n", failures));
    }

    private Set<String> recordedIds() {
        JsonNode show = Json.MAPPER.readTree(Cli.run("show", "--json", "-f", herd.file.toString()).out());
        Set<String> ids = new HashSet<>();
        show.get("servers").forEach(s -> ids.add(s.get("id").asString()));
        return ids;
    }
}
