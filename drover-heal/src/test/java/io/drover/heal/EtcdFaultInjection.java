package io.drover.heal;

import io.drover.testkit.EtcdWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.state.ServerRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The fault-injection scenario shared by the 3- and 5-member tests: a writer keeps writing while members are
 * killed (whole process group, SIGKILL), frozen (SIGSTOP) or the leader is killed; after each fault heal must
 * bring the cluster back to full size with every member healthy and every acknowledged write readable.
 */
final class EtcdFaultInjection {
    enum Fault { KILL, FREEZE, KILL_LEADER }

    static String herdYaml(String name, String addresses, int size) {
        return """
                herd: %s
                provider:
                  type: local
                  addresses: %s
                clusters:
                  etcd:
                    size: %d
                    role: etcd
                    image: host
                    etcd:
                      flags:
                        heartbeat-interval: 100
                        election-timeout: 1000
                outputs:
                  etcd_endpoints: ${clusters.etcd.endpoints}
                """.formatted(name, addresses, size);
    }

    static TestHerd bringUp(Path dir, String name, String addresses, int size) throws Exception {
        TestHerd herd = new TestHerd(dir, herdYaml(name, addresses, size));
        herd.apply();
        return herd;
    }

    static List<String> endpoints(TestHerd herd) throws Exception {
        return herd.servers().stream().map(r -> clientUrl(herd, r)).toList();
    }

    static String clientUrl(TestHerd herd, ServerRecord r) {
        return herd.herd.clusters().get(r.cluster()).etcd().scheme() + "://" + r.ip() + ":2379";
    }

    /** Runs {@code cycles} faults, rotating kill, freeze, kill-the-leader, and checks the cluster after each. */
    static void run(TestHerd herd, int size, int cycles, long seed) throws Exception {
        Random random = new Random(seed);
        herd.startHealing(ReplacementBackoff.NONE);
        try (EtcdWriter writer = new EtcdWriter(endpoints(herd), herd.clientTls("etcd")).start("heal/")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(writer.acknowledged().size())
                    .as("writes acknowledged; endpoints %s; heal events:%n%s", endpoints(herd), herd.eventLog()).isGreaterThan(20));
            for (int cycle = 0; cycle < cycles; cycle++) {
                Fault fault = Fault.values()[cycle % Fault.values().length];
                List<ServerRecord> before = herd.servers();
                ServerRecord victim = switch (fault) {
                    case KILL, FREEZE -> before.get(random.nextInt(before.size()));
                    case KILL_LEADER -> await().atMost(Duration.ofSeconds(10)).until(
                            () -> before.stream().filter(r -> writer.isLeader(clientUrl(herd, r))).findFirst().orElse(null),
                            r -> r != null);
                };
                long t0 = System.nanoTime();
                herd.signal(victim, fault == Fault.FREEZE ? "STOP" : "KILL");
                String what = "cycle " + cycle + ": " + fault + " " + victim.name();
                await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    List<String> names = herd.servers().stream().map(ServerRecord::name).toList();
                    assertThat(names).as(what + "\n" + herd.eventLog()).doesNotContain(victim.name()).hasSize(size);
                    assertThat(herd.allHealthy(size)).as(what + ": all healthy").isTrue();
                    writer.learn(endpoints(herd));
                    assertThat(writer.memberCount()).as(what + ": member count").isEqualTo(size);
                });
                System.out.printf("%s: healed in %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
                writer.learn(endpoints(herd));
                int acknowledged = writer.acknowledged().size();
                await(what + ": writes resume").atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > acknowledged + 10);
                List<String> written = writer.acknowledged();
                Set<String> readable = writer.keys("heal/");
                assertThat(readable).as(what + ": the cluster answers a range read").isNotNull();
                List<String> lost = written.stream().filter(k -> !readable.contains(k)).toList();
                assertThat(lost).as("%s: %d acknowledged writes lost out of %d (first %s); %d keys readable; heal events:%n%s",
                        what, lost.size(), written.size(), lost.isEmpty() ? "-" : lost.get(0), readable.size(), herd.eventLog()).isEmpty();
            }
        }
        assertThat(herd.metrics.scrape()).contains("drover_replacements_total{cluster=\"etcd\"");
    }
}
