package io.drover.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.Cluster;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.drover.testkit.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdRoleTest {
    private static final Cluster CLUSTER = new Cluster("etcd", 3, Role.ETCD, "host", 1, List.of(),
            new EtcdOptions(2379, 2380, Map.of("heartbeat-interval", "100"), true, null), HealthCheck.defaultFor(Role.ETCD),
            FirstBoot.EMPTY, Map.of(), true, SourcePosition.unknown(Path.of("drover.yaml")));

    private final EtcdRole role = new EtcdRole("h", CLUSTER, Duration.ofSeconds(1), EtcdPki.generate("h", "etcd"));

    private static String env(FirstBoot fb) {
        return fb.files().stream().filter(f -> f.path().equals(EtcdRole.ENV_FILE)).map(FileEntry::contents).findFirst().orElseThrow();
    }

    @Test
    void aLearnerThatNeverStartsIsRemovedWhenItsPromotionFails(@TempDir Path dir) throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir)) {
            int clientPort = java.net.URI.create(etcd.endpoint()).getPort();
            Cluster plain = new Cluster("etcd", 3, Role.ETCD, "host", 1, List.of(), new EtcdOptions(clientPort, 2380, Map.of(), false, null),
                    HealthCheck.defaultFor(Role.ETCD), FirstBoot.EMPTY, Map.of(), true, SourcePosition.unknown(Path.of("drover.yaml")));
            EtcdRole role = new EtcdRole("h", plain, Duration.ofSeconds(1), null);
            // The test server's only member, "state", stands for the live server.
            ServerRecord live = new ServerRecord("etcd[0]", "etcd", 0, 1, "state", "state", "127.0.0.1", "sha256:x", "sha256:i",
                    Instant.EPOCH, false, Map.of());
            ServerRecord joined = new ServerRecord("etcd[1]", "etcd", 1, 1, "etcd-1-1", "etcd-1-1", "127.0.0.2", "sha256:x", "sha256:i",
                    Instant.EPOCH, true, Map.of());
            role.join(new Endpoint(joined.name(), joined.ip()), new ClusterRole.Peers(List.of(live), null, List.of(live)));
            assertThat(role.membership(List.of(live)).orElseThrow().members()).hasSize(2);

            // Nothing ever starts at 127.0.0.2: the learner never catches up.
            assertThatThrownBy(() -> role.admit(joined, List.of(live))).isInstanceOf(EtcdException.class);

            assertThat(role.membership(List.of(live)).orElseThrow().members()).extracting(m -> m.name()).containsExactly("state");
        }
    }

    @Test
    void staticBootstrapListsEveryMemberAsANewCluster() throws Exception {
        List<Endpoint> members = List.of(new Endpoint("etcd-0-1", "127.0.5.1"), new Endpoint("etcd-1-1", "127.0.5.2"));
        String env = env(role.join(members.get(1), new ClusterRole.Peers(List.of(), new ClusterRole.Bootstrap(members), List.of())));
        assertThat(env).contains("ETCD_INITIAL_CLUSTER=etcd-0-1=https://127.0.5.1:2380,etcd-1-1=https://127.0.5.2:2380")
                .contains("ETCD_INITIAL_CLUSTER_STATE=new").contains("ETCD_NAME=etcd-1-1");
    }

    @Test
    void firstMemberOfAClusterNeverSeenStartsItAlone() throws Exception {
        String env = env(role.join(new Endpoint("etcd-0-1", "127.0.5.1"), new ClusterRole.Peers(List.of(), null, List.of())));
        assertThat(env).contains("ETCD_INITIAL_CLUSTER=etcd-0-1=https://127.0.5.1:2380").contains("ETCD_INITIAL_CLUSTER_STATE=new");
    }

    @Test
    void refusesToStartAFreshClusterBesideRecordedMembers() {
        ServerRecord dead = new ServerRecord("etcd[1]", "etcd", 1, 1, "etcd-1-1", "etcd-1-1", "127.0.5.2", "sha256:x", "sha256:i",
                Instant.EPOCH, false, Map.of());
        assertThatThrownBy(() -> role.join(new Endpoint("etcd-0-2", "127.0.5.9"), new ClusterRole.Peers(List.of(), null, List.of(dead))))
                .isInstanceOf(NoLiveMemberException.class)
                .hasMessageContaining("no live member to join")
                .hasMessageContaining("disaster-recovery");
    }

    @Test
    void memberGetsACertificateForItsNameAndAddressAndTheUnitUsesMutualTls() throws Exception {
        FirstBoot fb = role.join(new Endpoint("etcd-0-1", "127.0.5.1"), new ClusterRole.Peers(List.of(), null, List.of()));
        assertThat(fb.files()).extracting(FileEntry::path).contains("/etc/etcd/pki/ca.crt", "/etc/etcd/pki/member.crt", "/etc/etcd/pki/member.key");
        assertThat(fb.files()).filteredOn(f -> f.path().endsWith("member.key")).singleElement()
                .satisfies(f -> assertThat(f.mode()).isEqualTo(0600));
        assertThat(fb.units()).singleElement().satisfies(u -> assertThat(u.contents())
                .contains("--client-cert-auth=true", "--peer-client-cert-auth=true", "--heartbeat-interval=100", "--data-dir=%S/etcd"));
    }

    @Test
    void flagValuesAreWrittenAsOneLiteralArgumentEach() {
        Cluster cluster = new Cluster("etcd", 3, Role.ETCD, "host", 1, List.of(),
                new EtcdOptions(2379, 2380, Map.of("log-rotation-config-json", "{\"maxsize\": 100, \"compress\": false}",
                        "cors", "https://a.example $HOME 100%", "heartbeat-interval", "100"), false, null),
                HealthCheck.defaultFor(Role.ETCD), FirstBoot.EMPTY, Map.of(), true, SourcePosition.unknown(Path.of("drover.yaml")));

        String unit = new EtcdRole("h", cluster, Duration.ofSeconds(1), null).unit().contents();

        assertThat(unit.lines().filter(l -> l.startsWith("ExecStart="))).singleElement().isEqualTo(
                "ExecStart=/usr/bin/etcd --data-dir=%S/etcd --pre-vote=true \"--cors=https://a.example $$HOME 100%%\" --heartbeat-interval=100"
                        + " \"--log-rotation-config-json={\\\"maxsize\\\": 100, \\\"compress\\\": false}\"");
    }
}
