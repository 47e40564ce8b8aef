package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.Port;
import io.drover.provider.openstack.client.SecurityGroup;
import io.drover.provider.openstack.client.Server;
import io.drover.provider.openstack.client.ServerGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The OpenStack issue's "done when", through the CLI against a real OpenStack: the etcd-on-OpenStack example
 * (its provider block, first-boot config and anti-affinity) applied, re-applied, changed and destroyed, with
 * what exists checked through the cloud's own API.
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackHerdEndToEndTest {
    private static final int SIZE = 3;

    @TempDir
    static Path dir;

    private OpenStackHerd herd;

    @BeforeAll
    void deriveTheHerdFromTheExample() throws IOException {
        herd = OpenStackHerd.in(dir, "ostest");
        String example = Files.readString(Path.of("..", "examples", "etcd-openstack", "drover.yaml"));
        String text = example;
        text = replaceOnce(text, "herd: etcd-openstack\n", "herd: " + herd.name + "\n");
        // Plain servers judged by the provider's ACTIVE status: the all-in-one cloud's fake compute driver runs no
        // guest, so no etcd would answer on the servers' 10.10.0.x addresses, and no test may send traffic off
        // loopback. Everything else (provider block, firstBoot, anti-affinity) is the example's.
        text = replaceOnce(text, "    role: etcd\n", "    role: plain\n    health:\n      type: process\n");
        text = replaceOnce(text, "    image: flatcar-stable ", "    image: tiny ");
        // Two compute hosts: a third member of a strict anti-affinity group would fail with "No valid host".
        text = replaceOnce(text, "      flavor: m1.small\n", "      flavor: m1.tiny\n      serverGroupPolicy: soft-anti-affinity\n");
        text = cut(text, "    etcd:\n", "    firstBoot:\n");
        text = cut(text, "outputs:\n", null);
        herd.write(text);
    }

    @AfterAll
    void destroyWhateverIsLeft() {
        try {
            Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
        } finally {
            herd.close();
        }
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herd.file.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void applyCreatesThreeActiveServersWithTheirGroupsAndPorts() {
        Cli.Result r = drover("apply", "--auto-approve");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        List<Server> servers = herd.servers();
        assertThat(servers).hasSize(SIZE).allSatisfy(s -> assertThat(s.status()).isEqualTo("ACTIVE"));
        assertThat(servers.stream().map(s -> s.metadata().get("drover-resource")))
                .containsExactlyInAnyOrder("etcd[0]", "etcd[1]", "etcd[2]");

        List<ServerGroup> groups = herd.serverGroups();
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo(herd.name + "-etcd");
            assertThat(g.policy()).isEqualTo("soft-anti-affinity");
            assertThat(g.members()).containsExactlyInAnyOrderElementsOf(servers.stream().map(Server::id).toList());
        });

        List<SecurityGroup> securityGroups = herd.securityGroups();
        assertThat(securityGroups).singleElement().satisfies(g -> assertThat(g.name()).isEqualTo(herd.name + "-etcd"));

        List<Port> ports = herd.ports();
        assertThat(ports).hasSize(SIZE);
        assertThat(ports.stream().map(Port::deviceId))
                .containsExactlyInAnyOrderElementsOf(servers.stream().map(Server::id).toList());
        assertThat(ports).allSatisfy(p -> {
            assertThat(p.securityGroupIds()).contains(securityGroups.get(0).id());
            assertThat(p.fixedIps()).singleElement().asString().startsWith("10.10.0.");
        });
        assertThat(herd.orphanedPorts()).isEmpty();
    }

    @Test
    @Order(2)
    void secondApplyIsANoOp() {
        Cli.Result plan = drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("No changes.");

        Set<String> before = ids(herd.servers());
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(ids(herd.servers())).isEqualTo(before);
    }

    @Test
    @Order(3)
    void changedUserDataReplacesServersOneAtATime() throws Exception {
        herd.write(replaceOnce(herd.read(), "inline: \"${server.name}\\n\"", "inline: \"${server.name} (v2)\\n\""));
        Cli.Result plan = drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        Set<String> before = ids(herd.servers());

        Cli.Result apply;
        AtomicInteger most = new AtomicInteger();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        try {
            // Counts the herd's servers through the API while the replacement runs (create before destroy).
            watcher.scheduleWithFixedDelay(() -> most.accumulateAndGet(herd.servers().size(), Math::max),
                    0, 200, TimeUnit.MILLISECONDS);
            apply = drover("apply", "--auto-approve", "--json");
        } finally {
            watcher.shutdownNow();
            watcher.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(replacementsInFlight(apply.out())).as("most replacements in flight at once").isEqualTo(1);
        assertThat(most.get()).as("most servers of the herd at once").isBetween(SIZE, SIZE + 1);

        List<Server> after = herd.servers();
        assertThat(after).hasSize(SIZE).allSatisfy(s -> assertThat(s.status()).isEqualTo("ACTIVE"));
        assertThat(ids(after)).doesNotContainAnyElementsOf(before);
        assertThat(herd.orphanedPorts()).isEmpty();
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void destroyLeavesNothingTaggedWithTheHerd() {
        Cli.Result destroy = drover("destroy", "--auto-approve");
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();

        assertThat(herd.servers()).isEmpty();
        assertThat(herd.ports()).isEmpty();
        assertThat(herd.serverGroups()).isEmpty();
        assertThat(herd.securityGroups()).isEmpty();
        assertThat(drover("plan", "--destroy", "--detailed-exitcode").exitCode()).isZero();
    }

    /** The most replacements running at once, from {@code apply --json} events; fails if there were not {@code SIZE}. */
    private static int replacementsInFlight(String jsonLines) {
        ApplyEvents.Replacements r = ApplyEvents.replacements(jsonLines);
        assertThat(r.count()).as("replacements").isEqualTo(SIZE);
        return r.mostAtOnce();
    }

    private static Set<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).collect(Collectors.toSet());
    }

    private static String replaceOnce(String text, String old, String replacement) {
        assertThat(text).as("the example no longer contains %s", old).containsOnlyOnce(old);
        return text.replace(old, replacement);
    }

    /** Removes the text from {@code from} up to (not including) {@code to}, or to the end when {@code to} is null. */
    private static String cut(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("the example no longer contains %s", from).isNotNegative();
        int end = to == null ? text.length() : text.indexOf(to, start);
        assertThat(end).as("the example no longer contains %s", to).isGreaterThan(start);
        return text.substring(0, start) + text.substring(end);
    }
}
