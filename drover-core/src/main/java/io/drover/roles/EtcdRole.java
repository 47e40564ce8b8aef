package io.drover.roles;

import io.drover.config.Cluster;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code role: etcd}: renders each member's configuration and changes membership the way etcd's runtime
 * reconfiguration guide says: never more than one change at a time, only while the survivors have quorum,
 * dead members removed before a replacement is added, replacements under a new name and address with
 * {@code initial-cluster-state=existing} and an empty data directory.
 */
public final class EtcdRole implements Role {
    /** Where the member's generated environment goes; the unit reads it. */
    public static final String ENV_FILE = "/etc/drover/etcd.env";
    public static final String UNIT = "etcd-member.service";

    private final String herd;
    private final Cluster cluster;
    private final Duration membershipDeadline;
    /** Where each member finds its TLS material; {@code %E} is /etc on a real machine, the server root's etc locally. */
    static final String PKI_DIR = "/etc/etcd/pki";

    private final EtcdPki pki;
    private final boolean preview;

    /** @param pki the cluster's PKI, or {@code null} when the cluster runs without TLS */
    public EtcdRole(String herd, Cluster cluster, Duration membershipDeadline, EtcdPki pki) {
        this.herd = herd;
        this.cluster = cluster;
        this.membershipDeadline = membershipDeadline;
        this.pki = pki;
        this.preview = false;
    }

    private EtcdRole(EtcdRole other, boolean preview) {
        this.herd = other.herd;
        this.cluster = other.cluster;
        this.membershipDeadline = other.membershipDeadline;
        this.pki = other.pki;
        this.preview = preview;
    }

    /**
     * The same role for {@code drover render}: member keys are made when a server is created, so a preview shows
     * placeholders instead, and rendering stays byte-for-byte reproducible.
     */
    public EtcdRole preview() {
        return new EtcdRole(this, true);
    }

    @Override
    public FirstBoot join(Endpoint self, List<ServerRecord> live, Bootstrap bootstrap, List<ServerRecord> recorded) throws EtcdException {
        String selfPeer = peerUrl(self.ip());
        Map<String, String> initial = new TreeMap<>();
        String state;
        if (bootstrap != null) {
            bootstrap.members().forEach(m -> initial.put(m.name(), peerUrl(m.ip())));
            state = "new";
        } else if (live.isEmpty()) {
            if (!recorded.isEmpty()) {
                // Starting afresh next to members that may still hold data would fork the cluster: two clusters,
                // each acknowledging writes the other never sees. Only a human with a snapshot may decide that.
                throw new EtcdException("etcd cluster '" + cluster.name() + "' has no live member to join ("
                        + recorded.size() + " recorded, none alive and healthy); Drover will not start a new, empty cluster "
                        + "beside them. Wait for a member to come back, or restore from a snapshot: see docs/disaster-recovery.md");
            }
            initial.put(self.name(), selfPeer);
            state = "new";
        } else {
            try (EtcdMembership membership = membership(live)) {
                removeStaleMembers(membership, live, selfPeer);
                for (EtcdMember m : membership.add(selfPeer)) {
                    String peer = m.peerUrls().isEmpty() ? "" : m.peerUrls().get(0);
                    initial.put(peer.equals(selfPeer) ? self.name() : m.name(), peer);
                }
            }
            state = "existing";
        }
        return memberConfig(self, initial, state);
    }

    @Override
    public void leave(ServerRecord leaving, List<ServerRecord> survivors) throws EtcdException {
        if (survivors.isEmpty()) {
            return; // the whole cluster goes: membership no longer matters
        }
        try (EtcdMembership membership = membership(survivors)) {
            String peer = leaving.ip() == null ? null : peerUrl(leaving.ip());
            for (EtcdMember m : membership.list()) {
                if (m.name().equals(leaving.name()) || m.peerUrls().contains(peer)) {
                    requireQuorumWithout(membership.list(), survivors, m);
                    membership.remove(m.id());
                }
            }
        }
    }

    /**
     * Removes members that no live server stands for (a dead member, or one added but never started because
     * a create failed), so the member count matches reality before the next add. One at a time.
     */
    private void removeStaleMembers(EtcdMembership membership, List<ServerRecord> live, String selfPeer) throws EtcdException {
        Set<String> liveNames = live.stream().map(ServerRecord::name).collect(Collectors.toSet());
        Set<String> livePeers = live.stream().filter(r -> r.ip() != null).map(r -> peerUrl(r.ip())).collect(Collectors.toSet());
        List<EtcdMember> members = membership.list();
        for (EtcdMember m : members) {
            boolean standsForLive = liveNames.contains(m.name()) || m.peerUrls().stream().anyMatch(livePeers::contains);
            if (!standsForLive && !m.peerUrls().contains(selfPeer)) {
                requireQuorumWithout(membership.list(), live, m);
                membership.remove(m.id());
            }
        }
    }

    /** Refuses to touch a cluster whose live members are not a majority: that needs a human and a snapshot. */
    private void requireQuorumWithout(List<EtcdMember> members, List<ServerRecord> live, EtcdMember leaving) throws EtcdException {
        int voters = (int) members.stream().filter(m -> !m.learner()).count();
        int alive = live.size();
        if (alive < voters / 2 + 1) {
            throw new EtcdException("etcd cluster '" + cluster.name() + "' has lost quorum: " + alive + " of " + voters
                    + " members alive. Drover will not change its membership (removing " + leaving.name()
                    + " could lose data); restore it from a snapshot, see docs/disaster-recovery.md");
        }
    }

    private EtcdMembership membership(List<ServerRecord> live) {
        List<String> urls = live.stream().filter(r -> r.ip() != null).map(r -> clientUrl(r.ip())).toList();
        return new EtcdMembership(urls, membershipDeadline, pki == null ? EtcdMembership.ClientCustomizer.NONE : pki.jetcd());
    }

    /** The member's first-boot additions: its environment file and the unit that runs etcd from it. */
    FirstBoot memberConfig(Endpoint self, Map<String, String> initialCluster, String state) {
        Map<String, String> env = new TreeMap<>();
        env.put("ETCD_NAME", self.name());
        env.put("ETCD_INITIAL_CLUSTER", initialCluster.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        env.put("ETCD_INITIAL_CLUSTER_STATE", state);
        env.put("ETCD_INITIAL_CLUSTER_TOKEN", herd + "-" + cluster.name());
        env.put("ETCD_LISTEN_PEER_URLS", peerUrl(self.ip()));
        env.put("ETCD_INITIAL_ADVERTISE_PEER_URLS", peerUrl(self.ip()));
        env.put("ETCD_LISTEN_CLIENT_URLS", clientUrl(self.ip()));
        env.put("ETCD_ADVERTISE_CLIENT_URLS", clientUrl(self.ip()));
        String envText = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining());
        List<FileEntry> files = new ArrayList<>();
        files.add(new FileEntry(ENV_FILE, 0644, Owner.ROOT, envText, true));
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
            files.add(new FileEntry(PKI_DIR + "/ca.crt", 0644, Owner.ROOT, caCert, true));
            files.add(new FileEntry(PKI_DIR + "/member.crt", 0644, Owner.ROOT, cert, true));
            files.add(new FileEntry(PKI_DIR + "/member.key", 0600, Owner.ROOT, key, true));
        }
        return new FirstBoot(List.of(), files, List.of(), List.of(), List.of(unit()));
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
            String dir = container == null ? "%E" + PKI_DIR.substring("/etc".length()) : PKI_DIR;
            for (String prefix : List.of("", "peer-")) {
                etcdArgs.add("--" + prefix + "cert-file=" + dir + "/member.crt");
                etcdArgs.add("--" + prefix + "key-file=" + dir + "/member.key");
                etcdArgs.add("--" + prefix + "trusted-ca-file=" + dir + "/ca.crt");
                etcdArgs.add("--" + prefix + "client-cert-auth=true");
            }
        }
        new TreeMap<>(cluster.etcd().flags()).forEach((k, v) -> etcdArgs.add("--" + k + "=" + v));
        String exec;
        String extra = "";
        if (container == null) {
            exec = "EnvironmentFile=" + ENV_FILE + "\nExecStart=" + String.join(" ", etcdArgs);
        } else {
            // Flatcar and CoreOS ship docker but no etcd: run the official image on the host network.
            exec = "ExecStartPre=-/usr/bin/docker rm --force etcd-member\n"
                    + "ExecStartPre=/usr/bin/mkdir -p %S/etcd\n"
                    + "ExecStart=/usr/bin/docker run --name etcd-member --rm --network host"
                    + " --volume %S/etcd:/var/lib/etcd --volume %E/etcd/pki:/etc/etcd/pki:ro"
                    + " --env-file " + ENV_FILE + " " + container + " " + String.join(" ", etcdArgs) + "\n"
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
        return new Unit(UNIT, true, contents, List.of());
    }

    public String peerUrl(String ip) {
        return cluster.etcd().scheme() + "://" + ip + ":" + cluster.etcd().peerPort();
    }

    public String clientUrl(String ip) {
        return cluster.etcd().scheme() + "://" + ip + ":" + cluster.etcd().clientPort();
    }

    @Override
    public boolean serialMembershipChanges() {
        return true;
    }

    @Override
    public List<Integer> ports() {
        return List.of(cluster.etcd().clientPort(), cluster.etcd().peerPort());
    }
}
