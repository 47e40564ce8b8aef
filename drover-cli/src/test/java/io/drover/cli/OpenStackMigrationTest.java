package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain cluster moved from the local provider to the real OpenStack that {@code OS_CLOUD} names and back, by changing
 * its provider (and, since the clouds name images differently, its image): servers checked through the Nova API, the
 * local provider's root, and the cloud's ports and groups. The all-in-one cloud's fake compute runs no guest, so the
 * servers are judged by the provider alone ({@code health: process}).
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
class OpenStackMigrationTest {
    @TempDir
    Path dir;

    private static String herd(String name, String where) {
        String placement = where.equals("here")
                ? "    image: host\n    provider: here\n"
                : "    image: tiny\n    provider:\n      name: cloud\n      flavor: m1.tiny\n";
        return """
                herd: %s
                providers:
                  here:
                    type: local
                    addresses: 127.0.92.0/24
                  cloud:
                    type: openstack
                    network: private
                clusters:
                  node:
                    size: 2
                    role: plain
                %s    health:
                      type: process
                """.formatted(name, placement);
    }

    private List<String> localServers() throws Exception {
        Path servers = dir.resolve(".drover/local-here/servers");
        if (!Files.isDirectory(servers)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(servers)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void plainClusterMovesFromLocalToOpenStackAndBack() throws Exception {
        try (OpenStackHerd cloud = OpenStackHerd.in(dir, "migrate")) {
            String file = cloud.file.toString();
            try {
                cloud.write(herd(cloud.name, "here"));
                Cli.Result up = Cli.run("apply", "--auto-approve", "-f", file);
                assertThat(up.exitCode()).as(up.toString()).isZero();
                assertThat(localServers()).hasSize(2);
                assertThat(cloud.servers()).isEmpty();

                cloud.write(herd(cloud.name, "cloud"));
                Cli.Result plan = Cli.run("plan", "-f", file);
                assertThat(plan.out()).as(plan.toString()).contains("2 to migrate").contains("from provider 'here' to 'cloud'");
                Cli.Result there = Cli.run("apply", "--auto-approve", "-f", file);
                assertThat(there.exitCode()).as(there.toString()).isZero();
                assertThat(cloud.servers()).as("servers on the cloud").hasSize(2).allSatisfy(s -> assertThat(s.status()).isEqualTo("ACTIVE"));
                assertThat(localServers()).as("nothing left here").isEmpty();
                assertThat(Cli.run("plan", "--detailed-exitcode", "-f", file).exitCode()).isZero();

                cloud.write(herd(cloud.name, "here"));
                Cli.Result back = Cli.run("apply", "--auto-approve", "-f", file);
                assertThat(back.exitCode()).as(back.toString()).isZero();
                assertThat(localServers()).hasSize(2);
                assertThat(cloud.servers()).as("nothing left on the cloud").extracting(Server::name).isEmpty();
                assertThat(cloud.ports()).as("no port left on the cloud").isEmpty();
                assertThat(cloud.serverGroups()).as("no server group left on the cloud").isEmpty();
                assertThat(cloud.securityGroups()).as("no security group left on the cloud").isEmpty();
                assertThat(Cli.run("plan", "--detailed-exitcode", "-f", file).exitCode()).isZero();
            } finally {
                Cli.run("destroy", "--auto-approve", "-f", file);
            }
        }
    }
}
