package io.drover.roles;

import io.drover.config.Cluster;
import io.drover.render.ExecLine;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.spi.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What an etcd member's first-boot config holds: its environment file (name, initial cluster, URLs), its certificate
 * and key from the cluster's CA, and the unit that runs etcd (from the host's binary or the official container
 * image). Membership changes are {@link EtcdRole}'s; this only renders.
 *
 * @param preview rendering for {@code drover render}: placeholders instead of keys, and a note on how members join
 */
record EtcdMemberConfig(String herd, Cluster cluster, EtcdPki pki, boolean preview) {

    /** The member's first-boot additions: its environment file and the unit that runs etcd from it. */
    FirstBoot firstBoot(Endpoint self, Map<String, String> initialCluster, String state) {
        Map<String, String> env = new TreeMap<>();
        env.put("ETCD_NAME", self.name());
        env.put("ETCD_INITIAL_CLUSTER", initialCluster.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        env.put("ETCD_INITIAL_CLUSTER_STATE", state);
        env.put("ETCD_INITIAL_CLUSTER_TOKEN", herd + "-" + cluster.name());
        env.put("ETCD_LISTEN_PEER_URLS", url(self.ip(), cluster.etcd().peerPort()));
        env.put("ETCD_INITIAL_ADVERTISE_PEER_URLS", url(self.ip(), cluster.etcd().peerPort()));
        env.put("ETCD_LISTEN_CLIENT_URLS", url(self.ip(), cluster.etcd().clientPort()));
        env.put("ETCD_ADVERTISE_CLIENT_URLS", url(self.ip(), cluster.etcd().clientPort()));
        String envText = env.entrySet().stream().map(e -> envLine(e.getKey(), e.getValue())).collect(Collectors.joining());
        if (preview) {
            // drover render cannot know how a member joined: say so where the reader looks, not only in the docs.
            envText = EtcdRole.PREVIEW_NOTE + envText;
        }
        List<FileEntry> files = new ArrayList<>();
        files.add(new FileEntry(EtcdRole.ENV_FILE, 0644, Owner.ROOT, envText, true));
        if (pki != null) {
            String cert;
            String key;
            String caCert = pki.trustBundle();
            if (preview) {
                caCert = "# the certificate of the cluster's CA (kept in Drover's state)\n";
                cert = "# certificate of " + self.name() + " (" + self.ip() + "), issued by the cluster's CA when the server is created\n";
                key = "# private key of " + self.name() + ", made when the server is created; never shown\n";
            } else {
                var member = pki.issueMember(self.name(), self.ip());
                cert = member.certificatePem();
                key = member.privateKeyPem();
            }
            files.add(new FileEntry(EtcdRole.PKI_DIR + "/ca.crt", 0644, Owner.ROOT, caCert, true));
            files.add(new FileEntry(EtcdRole.PKI_DIR + "/member.crt", 0644, Owner.ROOT, cert, true));
            files.add(new FileEntry(EtcdRole.PKI_DIR + "/member.key", 0600, Owner.ROOT, key, true));
        }
        return new FirstBoot(List.of(), files, List.of(), List.of(), List.of(unit()));
    }

    /**
     * {@code KEY=value}. systemd and {@code docker run --env-file} read these files differently (docker takes quotes
     * literally), so values are never quoted: they are names, addresses and URLs, and anything else is refused.
     */
    private static String envLine(String key, String value) {
        if (!EtcdRole.ENV_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("cannot write " + key + " into " + EtcdRole.ENV_FILE + ": unexpected characters in '"
                    + value.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return key + "=" + value + "\n";
    }

    /**
     * The etcd unit. It has no per-member values, so it is the same on every member. Paths are written with
     * systemd specifiers ({@code %S} = /var/lib, {@code %E} = /etc) so the local provider can map them into a
     * server's root; on a cloud image they are the usual paths.
     */
    Unit unit() {
        List<String> etcdArgs = new ArrayList<>();
        String container = cluster.etcd().container();
        etcdArgs.add(container == null ? "/usr/bin/etcd" : "/usr/local/bin/etcd");
        etcdArgs.add(container == null ? "--data-dir=%S/etcd" : "--data-dir=/var/lib/etcd");
        etcdArgs.add("--pre-vote=true");
        if (pki != null) {
            // Mutual TLS for clients and peers.
            String dir = container == null ? "%E" + EtcdRole.PKI_DIR.substring("/etc".length()) : EtcdRole.PKI_DIR;
            for (String prefix : List.of("", "peer-")) {
                etcdArgs.add("--" + prefix + "cert-file=" + dir + "/member.crt");
                etcdArgs.add("--" + prefix + "key-file=" + dir + "/member.key");
                etcdArgs.add("--" + prefix + "trusted-ca-file=" + dir + "/ca.crt");
                etcdArgs.add("--" + prefix + "client-cert-auth=true");
            }
        }
        // The user's values are taken literally, each one argument, whatever quotes, spaces, % or $ they hold.
        new TreeMap<>(cluster.etcd().flags()).forEach((k, v) -> etcdArgs.add("--" + k + "=" + ExecLine.noExpansion(v)));
        List<String> words = etcdArgs.stream().map(ExecLine::word).toList();
        String exec;
        String extra = "";
        if (container == null) {
            exec = "EnvironmentFile=" + EtcdRole.ENV_FILE + "\nExecStart=" + String.join(" ", words);
        } else {
            // Flatcar and CoreOS ship docker but no etcd: run the official image on the host network.
            exec = "ExecStartPre=-/usr/bin/docker rm --force etcd-member\n"
                    + "ExecStartPre=/usr/bin/mkdir -p %S/etcd\n"
                    + "ExecStart=/usr/bin/docker run --name etcd-member --rm --network host"
                    + " --volume %S/etcd:/var/lib/etcd --volume %E/etcd/pki:/etc/etcd/pki:ro"
                    + " --env-file " + EtcdRole.ENV_FILE + " " + ExecLine.word(container) + " " + String.join(" ", words) + "\n"
                    + "ExecStop=/usr/bin/docker stop etcd-member";
            extra = "Requires=docker.service\nAfter=docker.service\n";
        }
        String contents = """
                [Unit]
                Description=etcd member of %s/%s (managed by Drover)
                After=network-online.target
                Wants=network-online.target
                %s
                [Service]
                Type=%s
                %s
                Restart=always
                RestartSec=200ms
                TimeoutStartSec=0
                LimitNOFILE=40000

                [Install]
                WantedBy=multi-user.target
                """.formatted(herd, cluster.name(), extra, container == null ? "notify" : "simple", exec);
        return new Unit(EtcdRole.UNIT, true, contents, List.of());
    }

    private String url(String ip, int port) {
        return cluster.etcd().scheme() + "://" + ip + ":" + port;
    }
}
