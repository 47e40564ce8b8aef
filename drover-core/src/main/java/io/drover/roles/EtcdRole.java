package io.drover.roles;

import io.drover.config.Cluster;
import io.drover.plan.Membership;
import io.drover.render.ExecLine;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.retry.Sleeper;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * {@code role: etcd}: renders each member's configuration and changes membership the way etcd's runtime
 * reconfiguration guide says: never more than one change at a time, only while the survivors have quorum,
 * dead members removed before a replacement is added, replacements under a new name and address with
 * {@code initial-cluster-state=existing} and an empty data directory. What a member's first-boot config holds is
 * {@link EtcdMemberConfig}'s.
 */
public final class EtcdRole implements ClusterRole {
    /** Where the member's generated environment goes; the unit reads it. */
    public static final String ENV_FILE = "/etc/drover/etcd.env";
    /** Heads the env file {@code drover render} prints. */
    static final String PREVIEW_NOTE = """
            # drover render: as if the whole cluster were created at once, with the members recorded now. A member that
            # joined a running cluster (a replacement, a member added by heal) booted with ETCD_INITIAL_CLUSTER_STATE=existing
            # and the members of that moment: its own /etc/drover/etcd.env has what it got.
            """;
    public static final String UNIT = "etcd-member.service";
    /** What an environment file value may hold unquoted: names, addresses, URLs and lists of them. */
    static final Pattern ENV_VALUE = Pattern.compile("[A-Za-z0-9._:/,=@+\\[\\]-]*");

    private final String herd;
    private final Cluster cluster;
    /** Where each member finds its TLS material; {@code %E} is /etc on a real machine, the server root's etc locally. */
    static final String PKI_DIR = "/etc/etcd/pki";
    /** How long one probe of a member's health may take when judging quorum. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** A serving member answers its status at once; a stuck one accepts the connection and never answers. */
    private static final Duration STUCK_PROBE_TIMEOUT = Duration.ofMillis(500);
    /**
     * How long a removal waits for enough voters to answer before it is refused: a busy machine or a leader election
     * can make a probe miss, and a real loss of quorum does not pass in seconds.
     */
    private static final Duration QUORUM_PATIENCE = Duration.ofSeconds(15);

    private final EtcdPki pki;
    /** The client identity for membership calls, shared with the engine's health probes (one TLS session cache). */
    private final java.util.function.Supplier<SSLContext> clientTls;
    private final boolean preview;
    private final Retry retry;
    private final Retry quorumRetry;
    private volatile SSLContext tls;

    /**
     * @param pki the cluster's PKI, or {@code null} when the cluster runs without TLS
     * @param membershipDeadline how long one membership change may retry (an add is refused for a few seconds after a
     *     member joined; a learner is promoted once it caught up)
     */
    public EtcdRole(String herd, Cluster cluster, Duration membershipDeadline, EtcdPki pki, Clock clock, Sleeper sleeper) {
        this(herd, cluster, membershipDeadline, pki, pki == null ? () -> null : pki::clientContext, clock, sleeper);
    }

    /**
     * @param clientTls the client identity of {@code pki} as the caller holds it: calls share its TLS sessions (a
     *     member met by a health probe is not met with a full handshake again)
     */
    public EtcdRole(String herd, Cluster cluster, Duration membershipDeadline, EtcdPki pki, java.util.function.Supplier<SSLContext> clientTls,
            Clock clock, Sleeper sleeper) {
        this.herd = herd;
        this.cluster = cluster;
        this.pki = pki;
        this.clientTls = clientTls;
        this.preview = false;
        this.retry = Retry.until(membershipDeadline, Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200))).withTime(clock, sleeper);
        this.quorumRetry = Retry.until(QUORUM_PATIENCE, Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(1))).withTime(clock, sleeper);
    }

    public EtcdRole(String herd, Cluster cluster, Duration membershipDeadline, EtcdPki pki) {
        this(herd, cluster, membershipDeadline, pki, Clock.systemUTC(), Sleeper.SYSTEM);
    }

    private EtcdRole(EtcdRole other, boolean preview) {
        this.herd = other.herd;
        this.cluster = other.cluster;
        this.pki = other.pki;
        this.clientTls = other.clientTls;
        this.retry = other.retry;
        this.quorumRetry = other.quorumRetry;
        this.preview = preview;
    }

    /**
     * The same role for {@code drover render}: member keys are made when a server is created, so a preview shows
     * placeholders instead, and rendering stays byte-for-byte reproducible.
     */
    public EtcdRole preview() {
        return new EtcdRole(this, true);
    }

    /**
     * A new member: part of a static bootstrap, the first member of a cluster never started, or a learner added to
     * the running cluster (it does not count towards quorum until {@link #admit} promotes it, so a member that never
     * starts cannot cost the cluster its majority).
     */
    @Override
    public FirstBoot join(Endpoint self, Peers peers) throws EtcdException, InterruptedException {
        String selfPeer = peerUrl(self.ip());
        Map<String, String> initial = new TreeMap<>();
        String state;
        if (peers.bootstrap() != null) {
            peers.bootstrap().members().forEach(m -> initial.put(m.name(), peerUrl(m.ip())));
            state = "new";
        } else if (peers.live().isEmpty()) {
            if (!peers.recorded().isEmpty()) {
                // Starting afresh next to members that may still hold data would fork the cluster: two clusters,
                // each acknowledging writes the other never sees. Only a human with a snapshot may decide that.
                throw new NoLiveMemberException(cluster.name(), peers.recorded().size());
            }
            initial.put(self.name(), selfPeer);
            state = "new";
        } else {
            try (EtcdGateway gateway = gateway(peers.live(), retry)) {
                removeStrangers(gateway, peers.live(), selfPeer);
                for (EtcdMember m : gateway.addLearner(selfPeer)) {
                    String peer = m.peerUrls().isEmpty() ? "" : m.peerUrls().get(0);
                    initial.put(peer.equals(selfPeer) ? self.name() : m.name(), peer);
                }
            }
            state = "existing";
        }
        return memberConfig(self, initial, state);
    }

    /** Promotes the new member once it has caught up with the leader (etcd refuses before). */
    @Override
    public void admit(ServerRecord joined, List<ServerRecord> live) throws EtcdException, InterruptedException {
        if (live.isEmpty()) {
            return; // it started a cluster or was part of a static bootstrap: a voter from the start
        }
        try (EtcdGateway gateway = gateway(live, retry)) {
            Optional<EtcdMember> member = gateway.list().stream().filter(m -> standsFor(m, joined)).findFirst();
            if (member.isEmpty()) {
                throw new ClusterMismatchException(cluster.name(), List.of(joined.name()), joined.name()
                        + " is not a member (someone removed it while it started)");
            }
            if (member.get().learner()) {
                try {
                    gateway.promote(member.get().id());
                } catch (EtcdException e) {
                    // It never caught up (it died at start, or never started): as a learner it counts for nothing, but
                    // left in the list it would be one more member to remove before the next add, and etcd still
                    // dials it. Removing a learner cannot cost quorum.
                    try {
                        gateway.remove(member.get().id());
                    } catch (EtcdException removal) {
                        e.addSuppressed(removal); // the end of the next apply removes it (see verify)
                    }
                    throw e;
                }
            }
        }
    }

    /**
     * A member that its cluster counts as a voter (promoted, so it had caught up with the leader) but that answers no
     * client request. etcd 3.4 has a member that joins from a snapshot (every join, once the cluster has taken one)
     * wait for its first request, the one that publishes it, to be applied locally; the leader, though, may already have
     * put that request into the very snapshot the member starts from, so the member waits out its request timeout (5 s
     * plus two election timeouts), serving no client, before it asks again. Restarted, it serves at once.
     */
    @Override
    public Optional<String> stuck(ServerRecord joined, List<ServerRecord> live) throws InterruptedException {
        if (live.isEmpty() || joined.ip() == null) {
            return Optional.empty();
        }
        try (EtcdGateway gateway = gateway(live, retry.withDeadline(Duration.ZERO))) {
            boolean voter = gateway.tryList().flatMap(list -> list.stream().filter(m -> standsFor(m, joined)).findFirst())
                    .map(m -> !m.learner()).orElse(false);
            if (!voter || gateway.status(clientUrl(joined.ip()), STUCK_PROBE_TIMEOUT).isPresent()) {
                return Optional.empty();
            }
        }
        return Optional.of("it is a voting member of its cluster but answers no client; etcd would wait out its request timeout"
                + " before it serves");
    }

    @Override
    public void promote(ServerRecord spare, List<ServerRecord> live) throws EtcdException, InterruptedException {
        try (EtcdGateway gateway = gateway(live, retry)) {
            Optional<EtcdMember> member = gateway.list().stream().filter(m -> standsFor(m, spare)).findFirst();
            if (member.isEmpty()) {
                throw new ClusterMismatchException(cluster.name(), List.of(spare.name()), "the spare " + spare.name()
                        + " is not a member of its cluster (someone removed it); the next apply or heal pass makes another");
            }
            if (member.get().learner()) {
                gateway.promote(member.get().id()); // retried until it has caught up with the leader
            }
        }
    }

    @Override
    public void leave(ServerRecord leaving, List<ServerRecord> survivors) throws EtcdException, InterruptedException {
        if (survivors.isEmpty()) {
            return; // the whole cluster goes: membership no longer matters
        }
        try (EtcdGateway gateway = gateway(survivors, retry)) {
            for (EtcdMember m : gateway.list()) {
                if (standsFor(m, leaving)) {
                    requireQuorumWithout(gateway, gateway.list(), m, leaving.name());
                    gateway.remove(m.id());
                }
            }
        }
    }

    @Override
    public Optional<Membership> membership(List<ServerRecord> candidates) throws InterruptedException {
        if (candidates.stream().noneMatch(r -> r.ip() != null)) {
            return Optional.empty();
        }
        try (EtcdGateway gateway = gateway(candidates, retry.withDeadline(Duration.ZERO))) {
            return gateway.tryList().map(list -> new Membership(list.stream()
                    .map(m -> new Membership.Member(m.name(), m.peerHosts(), !m.learner())).toList()));
        }
    }

    @Override
    public void verify(List<ServerRecord> recorded) throws EtcdException, InterruptedException {
        List<ServerRecord> reachable = recorded.stream().filter(r -> r.ip() != null).toList();
        if (reachable.isEmpty()) {
            return;
        }
        try (EtcdGateway gateway = gateway(reachable, retry)) {
            for (EtcdMember m : gateway.list()) {
                boolean recordedServer = recorded.stream().anyMatch(r -> standsFor(m, r));
                if (!recordedServer) {
                    // Added by a run that died before recording its server, or a dead member nobody removed.
                    requireQuorumWithout(gateway, gateway.list(), m, m.started() ? m.name() : "the unstarted member " + m.hexId());
                    gateway.remove(m.id());
                } else if (m.learner() && m.started() && recorded.stream().noneMatch(r -> r.spare() && standsFor(m, r))) {
                    gateway.promote(m.id()); // a spare stays a learner
                }
            }
            List<EtcdMember> members = gateway.list();
            List<String> outside = recorded.stream()
                    .filter(r -> members.stream().noneMatch(m -> standsFor(m, r) && m.learner() == r.spare() && m.started()))
                    .map(ServerRecord::name).toList();
            if (!outside.isEmpty()) {
                throw new ClusterMismatchException(cluster.name(), outside, String.join(", ", outside)
                        + (outside.size() == 1 ? " is" : " are") + " not a voting member (nor a spare learner); the next apply replaces "
                        + (outside.size() == 1 ? "it" : "them"));
            }
        }
    }

    /**
     * Removes members that no live server stands for (a dead member, or a learner added by a run that died before its
     * server started), so the member count matches reality before the next add. One at a time, quorum permitting.
     */
    private void removeStrangers(EtcdGateway gateway, List<ServerRecord> live, String selfPeer) throws EtcdException, InterruptedException {
        for (EtcdMember m : gateway.list()) {
            boolean standsForLive = live.stream().anyMatch(r -> standsFor(m, r));
            if (!standsForLive && !m.peerUrls().contains(selfPeer)) {
                requireQuorumWithout(gateway, gateway.list(), m, m.started() ? m.name() : "the unstarted member " + m.hexId());
                gateway.remove(m.id());
            }
        }
    }

    private boolean standsFor(EtcdMember m, ServerRecord r) {
        return m.name().equals(r.name()) || (r.ip() != null && m.peerUrls().contains(peerUrl(r.ip())));
    }

    /**
     * Refuses a removal that could lose data, judged from what the members say now (each voter's health, probed in
     * parallel), never from what Drover believed earlier: the removal must be able to commit (a majority of the
     * current voters answers) and leave a majority of the remaining voters answering. Learners never count.
     */
    private void requireQuorumWithout(EtcdGateway gateway, List<EtcdMember> members, EtcdMember leaving, String name)
            throws QuorumLostException, InterruptedException {
        if (leaving.learner()) {
            return;
        }
        quorumRetry.call(() -> {
            checkQuorumWithout(gateway, members, leaving, name);
            return null;
        }, e -> true);
    }

    private void checkQuorumWithout(EtcdGateway gateway, List<EtcdMember> members, EtcdMember leaving, String name)
            throws QuorumLostException, InterruptedException {
        List<EtcdMember> voters = members.stream().filter(m -> !m.learner()).toList();
        List<EtcdMember> staying = voters.stream().filter(v -> v.id() != leaving.id()).toList();
        // The voters that stay first: when a majority of all the voters is among them, both rules hold whatever the
        // leaving one says, so it is not asked. That one is usually the dead or frozen member, and a frozen one answers
        // nothing until the probe times out (seen: 1 s of a spare's promotion spent waiting for it).
        int stayingUp = answering(gateway, staying);
        if (stayingUp >= voters.size() / 2 + 1) {
            return;
        }
        int answering = stayingUp + answering(gateway, List.of(leaving));
        int votersAfter = voters.size() - 1;
        if (answering < voters.size() / 2 + 1 || stayingUp < votersAfter / 2 + 1) {
            throw new QuorumLostException(cluster.name(), answering, voters.size(),
                    "Drover will not remove " + name + " (that could lose data)");
        }
    }

    /** How many of these members answer a health check (probed in parallel). */
    private int answering(EtcdGateway gateway, List<EtcdMember> probed) throws InterruptedException {
        Map<Long, Boolean> healthy = new java.util.concurrent.ConcurrentHashMap<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (EtcdMember v : probed) {
                threads.submit(() -> {
                    boolean up = false;
                    for (String url : v.clientUrls()) {
                        up = up || gateway.healthy(url, PROBE_TIMEOUT);
                    }
                    healthy.put(v.id(), up);
                    return null;
                });
            }
        }
        return (int) probed.stream().filter(v -> healthy.getOrDefault(v.id(), false)).count();
    }

    private EtcdGateway gateway(List<ServerRecord> servers, Retry withRetry) {
        List<String> urls = servers.stream().filter(r -> r.ip() != null).map(r -> clientUrl(r.ip())).toList();
        return new EtcdGateway(urls, tls(), withRetry);
    }

    private SSLContext tls() {
        if (pki == null) {
            return null;
        }
        SSLContext context = tls;
        if (context == null) {
            context = clientTls.get();
            tls = context;
        }
        return context;
    }

    /** The member's first-boot additions: its environment file and the unit that runs etcd from it. */
    FirstBoot memberConfig(Endpoint self, Map<String, String> initialCluster, String state) {
        return new EtcdMemberConfig(herd, cluster, pki, preview).firstBoot(self, initialCluster, state);
    }

    /** The etcd unit, the same on every member. */
    Unit unit() {
        return new EtcdMemberConfig(herd, cluster, pki, preview).unit();
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
