package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.provider.openstack.client.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover heal} against a real OpenStack replaces a server that someone deleted, or that the cloud put in
 * ERROR, behind Drover's back. (Plain servers judged by their ACTIVE status: the all-in-one cloud runs no guests,
 * and no test may send traffic to their 10.10.0.x addresses.)
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackHealTest {
    @TempDir
    static Path dir;

    private OpenStackHerd herd;

    @BeforeAll
    void applyTwoServers() {
        herd = OpenStackHerd.in(dir, "osheal");
        herd.writePlain(2, false, "v1");
        Cli.Result r = Cli.run("apply", "--auto-approve", "-f", herd.file.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(herd.servers()).hasSize(2).allMatch(s -> s.status().equals("ACTIVE"));
    }

    @AfterAll
    void destroy() {
        try {
            Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
        } finally {
            herd.close();
        }
    }

    private Cli.Result heal() {
        return Cli.run("heal", "--once", "--json", "-f", herd.file.toString());
    }

    private void assertTwoActiveServersWithout(String victim) {
        List<Server> servers = herd.servers();
        assertThat(servers).extracting(Server::name).hasSize(2).doesNotContain(victim);
        assertThat(servers).allMatch(s -> s.status().equals("ACTIVE"));
        assertThat(herd.orphanedPorts()).isEmpty();
        assertThat(Cli.run("plan", "--detailed-exitcode", "-f", herd.file.toString()).exitCode()).isZero();
    }

    @Test
    @Order(1)
    void serverDeletedBehindDroversBackIsReplaced() {
        Server victim = herd.servers().get(0);
        herd.client().nova().deleteServer(victim.id());
        await().atMost(Duration.ofSeconds(60)).until(() -> herd.servers().stream().noneMatch(s -> s.id().equals(victim.id())));

        Cli.Result r = heal();

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"healed\"");
        assertTwoActiveServersWithout(victim.name());
    }

    @Test
    @Order(2)
    void serverPutInErrorIsReplaced() {
        Server victim = herd.servers().get(1);
        herd.client().nova().resetState(victim.id(), "error");
        await().atMost(Duration.ofSeconds(30)).until(() -> herd.servers().stream()
                .anyMatch(s -> s.id().equals(victim.id()) && s.status().equals("ERROR")));

        Cli.Result r = heal();

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertTwoActiveServersWithout(victim.name());
    }
}
