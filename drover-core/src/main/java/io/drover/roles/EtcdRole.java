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
    private final EtcdMembership.ClientCustomizer clientTls;

    public EtcdRole(String herd, Cluster cluster, Duration membershipDeadline, EtcdMembership.ClientCustomizer clientTls) {
        this.herd = herd;
        this.cluster = cluster;
        this.membershipDeadline = membershipDeadline;
        this.clientTls = clientTls;
    }

    @Override
    public FirstBoot join(Endpoint self, List<ServerRecord> live, Bootstrap bootstrap) throws EtcdException {
        String selfPeer = peerUrl(self.ip());
        Map<String, String> initial = new TreeMap<>();
        String state;
        if (bootstrap != null) {
            bootstrap.members().forEach(m -> initial.put(m.name(), peerUrl(m.ip())));
            state = "new";
        } else if (live.isEmpty()) {
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
        return new EtcdMembership(urls, membershipDeadline, clientTls);
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
        FileEntry envFile = new FileEntry(ENV_FILE, 0644, Owner.ROOT, envText, true);
        return new FirstBoot(List.of(), List.of(envFile), List.of(), List.of(), List.of(unit()));
    }

    /** The etcd unit. It has no per-member values, so it is the same on every member. */
    Unit unit() {
        List<String> args = new ArrayList<>();
        args.add("/usr/bin/etcd");
        args.add("--data-dir=%S/etcd");
        args.add("--pre-vote=true");
        new TreeMap<>(cluster.etcd().flags()).forEach((k, v) -> args.add("--" + k + "=" + v));
        String contents = """
                [Unit]
                Description=etcd member of %s/%s (managed by Drover)
                After=network-online.target

                [Service]
                Type=notify
                EnvironmentFile=%s
                ExecStart=%s
                Restart=always
                RestartSec=200ms
                LimitNOFILE=40000

                [Install]
                WantedBy=multi-user.target
                """.formatted(herd, cluster.name(), ENV_FILE, String.join(" ", args));
        return new Unit(UNIT, true, contents, List.of());
    }

    public String peerUrl(String ip) {
        return "http://" + ip + ":" + cluster.etcd().peerPort();
    }

    public String clientUrl(String ip) {
        return "http://" + ip + ":" + cluster.etcd().clientPort();
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
