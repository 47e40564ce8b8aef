package io.drover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.Cluster;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Herd;
import io.drover.config.ProviderBlock;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Owner;
import io.drover.spi.Image;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server's identity covers exactly what it boots with: its image, its cluster's first-boot template and role. */
class IdentityTest {
    private static final Path FILE = Path.of("drover.yaml");
    private static final Image IMAGE = new Image("host", "host", "sha256:1");

    private static Cluster cluster(String name, Role role, EtcdOptions etcd, String motd) {
        FirstBoot fb = new FirstBoot(List.of(), List.of(new FileEntry("/etc/motd", 0644, Owner.ROOT, motd, true)), List.of(), List.of(), List.of());
        return new Cluster(name, 3, role, "host", 1, List.of(), etcd, HealthCheck.defaultFor(role), fb, Map.of(), false,
                SourcePosition.unknown(FILE));
    }

    private static Herd herd(Map<String, String> vars, Cluster... clusters) {
        Map<String, Cluster> map = new LinkedHashMap<>();
        for (Cluster c : clusters) {
            map.put(c.name(), c);
        }
        return new Herd("h", FILE, new ProviderBlock("local", Map.of(), SourcePosition.unknown(FILE)), vars, map, Map.of());
    }

    private static String digest(Herd herd, String cluster) {
        return Identity.digest(herd, herd.clusters().get(cluster), IMAGE, Map.of());
    }

    @Test
    void changingOneClustersFirstBootChangesOnlyThatClustersIdentity() {
        Herd before = herd(Map.of(), cluster("web", Role.PLAIN, EtcdOptions.DEFAULT, "hello"), cluster("db", Role.PLAIN, EtcdOptions.DEFAULT, "db"));
        Herd after = herd(Map.of(), cluster("web", Role.PLAIN, EtcdOptions.DEFAULT, "hello, world"), cluster("db", Role.PLAIN, EtcdOptions.DEFAULT, "db"));

        assertThat(digest(after, "web")).isNotEqualTo(digest(before, "web"));
        assertThat(digest(after, "db")).isEqualTo(digest(before, "db"));
    }

    @Test
    void perServerValuesDoNotEnterTheIdentitySoReplacingOneServerReplacesNoOther() {
        Herd a = herd(Map.of(), cluster("web", Role.PLAIN, EtcdOptions.DEFAULT, "I am ${server.name} at ${server.ip}, peers ${cluster.peers}"));
        String d = digest(a, "web");
        assertThat(d).startsWith("sha256:").hasSize(7 + 64);
        assertThat(digest(a, "web")).isEqualTo(d);
    }

    @Test
    void variablesAreInputsOfTheIdentity() {
        Cluster web = cluster("web", Role.PLAIN, EtcdOptions.DEFAULT, "domain ${var.domain}");
        assertThat(digest(herd(Map.of("domain", "a.example"), web), "web"))
                .isNotEqualTo(digest(herd(Map.of("domain", "b.example"), web), "web"));
    }

    @Test
    void imageEtcdFlagsTlsAndCaAreInputsOfTheIdentity() {
        Cluster etcd = cluster("etcd", Role.ETCD, EtcdOptions.DEFAULT, "x");
        Herd herd = herd(Map.of(), etcd);
        String base = Identity.digest(herd, etcd, IMAGE, Map.of());

        assertThat(Identity.digest(herd, etcd, new Image("host", "host", "sha256:2"), Map.of())).isNotEqualTo(base);
        Cluster flagged = cluster("etcd", Role.ETCD, new EtcdOptions(2379, 2380, Map.of("heartbeat-interval", "150"), true, null), "x");
        assertThat(Identity.digest(herd, flagged, IMAGE, Map.of())).isNotEqualTo(base);
        Cluster plain = cluster("etcd", Role.ETCD, new EtcdOptions(2379, 2380, Map.of(), false, null), "x");
        assertThat(Identity.digest(herd, plain, IMAGE, Map.of())).isNotEqualTo(base);
        assertThat(Identity.digest(herd, etcd, IMAGE, Map.of("etcd-ca", "new-ca"))).isNotEqualTo(base);
    }
}
