package io.drover.web;

import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.heal.HealthChecks;
import io.drover.heal.ServerHealth;
import io.drover.health.HealthProbe;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Planner;
import io.drover.roles.EtcdPki;
import io.drover.spi.Failures;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateStore;
import io.drover.view.ClusterView;
import io.drover.view.EtcdMemberView;
import io.drover.view.HealthView;
import io.drover.view.HerdView;
import io.drover.view.HerdViews;
import io.drover.view.LockView;
import io.drover.view.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks at a herd the way {@code drover status} does, and more: the recorded state, what the provider reports,
 * every server's health checked now, each etcd member's raft status, the identity digests against the herd
 * file (and why the planner would replace a server), the outputs and the lock holder, as one {@link HerdView}
 * ({@code /api/herd}, see docs/web.md).
 *
 * <p>A look costs a provider listing, one check per server and one etcd status call per member, all bounded by
 * timeouts; its result is kept for {@code maxAge}, so any number of browser tabs cause at most one look per
 * {@code maxAge}. Read-only: it never takes the state lock.
 */
public final class HerdObserver implements AutoCloseable {
    /** The version of the documents this observer and the event API produce; see docs/web.md. */
    public static final int API_VERSION = HerdView.API_VERSION;
    /** Generous: raft status is asked in the background (it never delays a look). */
    private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(3);
    /** Raft status is asked a little less often than health: it is for display, heal does not need it. */
    private static final Duration RAFT_MAX_AGE = Duration.ofSeconds(2);

    private final Herd herd;
    private final java.util.List<ProviderFactory> factories;
    private final StateStore store;
    private final Map<String, String> environment;
    private final Duration maxAge;

    private Engine engine;
    /** The state serial the engine, templates, probe and etcd clients were made for; they change with the state. */
    private long madeFor = -1;
    private volatile Map<String, ClusterTemplate> templates = Map.of();
    private volatile String templatesProblem;
    private HealthProbe probe;
    private final Map<String, RaftWatch> raft = new HashMap<>();

    /** One look at a time: the tools above are only used under it. */
    private final Object looking = new Object();
    private volatile Seen last;

    private record Seen(Instant at, HerdView doc) {}

    public HerdObserver(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, Duration maxAge) {
        this(herd, java.util.List.of(factory), store, environment, maxAge);
    }

    /** @param factories the installed providers (a herd may use several) */
    public HerdObserver(Herd herd, java.util.Collection<? extends ProviderFactory> factories, StateStore store, Map<String, String> environment,
            Duration maxAge) {
        this.herd = herd;
        this.factories = java.util.List.copyOf(factories);
        this.store = store;
        this.environment = Map.copyOf(environment);
        this.maxAge = maxAge;
    }

    public Herd herd() {
        return herd;
    }

    /** The herd as of at most {@code maxAge} ago; callers at the same time share one look. */
    public HerdView look() throws InterruptedException {
        Seen seen = last;
        if (seen != null && fresh(seen)) {
            return seen.doc();
        }
        synchronized (looking) {
            seen = last;
            if (seen != null && fresh(seen)) {
                return seen.doc();
            }
            HerdView doc = lookNow(false);
            last = new Seen(Instant.now(), doc);
            return doc;
        }
    }

    /**
     * At once, for a page's first paint: the latest look, or before the first one (a server just started) the
     * state alone, every server's health {@code unknown} ("not checked yet"). Never waits for a check.
     */
    public HerdView firstLook() throws InterruptedException {
        Seen seen = last;
        return seen != null ? seen.doc() : lookNow(true);
    }

    private boolean fresh(Seen seen) {
        return Instant.now().isBefore(seen.at().plus(maxAge));
    }

    /**
     * A first look whose result is thrown away, made when the server starts. In a fresh JVM the first TLS
     * handshakes and class loading take longer than a health check's timeout, which would show healthy servers
     * as timing out to whoever looks first.
     */
    public void warmUp() throws InterruptedException {
        synchronized (looking) {
            if (last == null) {
                lookNow(false);
            }
        }
    }

    /** @param quick from the state alone: no provider, no checks, no tools touched (safe beside a running look) */
    private HerdView lookNow(boolean quick) throws InterruptedException {
        Instant now = Instant.now();
        List<String> problems = new ArrayList<>();
        State state;
        boolean stateRead = true;
        try {
            state = store.read().orElseGet(() -> State.empty(herd.name()));
        } catch (Exception e) {
            problems.add("cannot read the state: " + Failures.message(e));
            state = State.empty(herd.name());
            stateRead = false;
        }
        List<Instance> reality = List.of();
        boolean listed = false;
        if (!quick) {
            refreshTools(state, problems);
            try {
                reality = engine.list().instances();
                listed = true;
            } catch (Exception e) {
                problems.add("cannot list the servers at the provider: " + Failures.message(e));
            }
        }
        Map<String, ServerHealth> health = listed ? new HealthChecks(probe).checkAll(herd, state, reality) : Map.of();
        Map<String, Change> replacements = listed ? replacements(state, reality, now, problems) : Map.of();
        Look look = new Look(state, listed, quick, now, health, replacements, byId(reality));

        List<ClusterView> clusters = new ArrayList<>();
        Map<String, java.util.Optional<io.drover.spi.LoadBalancer>> pools = Map.of();
        if (listed && herd.clusters().values().stream().anyMatch(c -> c.loadBalancer() != null)) {
            try {
                pools = engine.loadBalancers();
            } catch (Exception e) {
                problems.add("cannot ask the provider about the load balancers: " + Failures.message(e));
            }
        }
        for (Cluster c : herd.clusters().values()) {
            ClusterView view = cluster(c, look, problems);
            // The pool with live counts, as status shows it; the declared load balancer only when the provider was not asked.
            if (c.loadBalancer() != null && pools.containsKey(c.name())) {
                view = view.withLoadBalancer(io.drover.view.LoadBalancerView.live(c.loadBalancer(), pools.get(c.name()).orElse(null)));
            }
            clusters.add(view);
        }
        // Servers of clusters the herd file no longer has (a destroy or apply will remove them).
        List<ServerRecord> strays = state.servers().stream().filter(r -> !herd.clusters().containsKey(r.cluster())).toList();
        if (!strays.isEmpty()) {
            problems.add("the state records servers of clusters the herd file no longer has: "
                    + String.join(", ", strays.stream().map(ServerRecord::name).toList()) + " ('drover apply' removes them)");
            Map<String, List<ServerView>> byCluster = new LinkedHashMap<>();
            strays.forEach(r -> byCluster.computeIfAbsent(r.cluster(), k -> new ArrayList<>()).add(server(null, r, look, Map.of(), 0, Map.of())));
            byCluster.forEach((name, servers) -> clusters.add(ClusterView.of(name, null, servers)));
        }
        LockView lock = null;
        try {
            lock = store.lockHolder().map(LockView::of).orElse(null);
        } catch (Exception e) {
            problems.add("cannot read the state lock: " + Failures.message(e));
        }
        if (templatesProblem != null) {
            problems.add(templatesProblem);
        }
        return new HerdView(HerdView.API_VERSION, herd.name(), herd.provider().type(),
                herd.providers().values().stream().map(p -> new HerdView.ProviderView(p.name(), p.type())).toList(),
                herd.file().toString(), now.toString(), stateRead ? state.serial() : null, stateRead ? state.lineage() : null, lock,
                state.outputs(), problems, clusters);
    }

    /** What one look found, for every cluster's servers. */
    private record Look(State state, boolean listed, boolean quick, Instant now, Map<String, ServerHealth> health,
            Map<String, Change> replacements, Map<String, Instance> byId) {}

    private static Map<String, Instance> byId(List<Instance> reality) {
        Map<String, Instance> byId = new HashMap<>();
        reality.forEach(i -> byId.put(i.id(), i));
        return byId;
    }

    /**
     * What apply would replace, and why, as the planner says: a plan costs no I/O (the listing is already made) and
     * carries each replacement's reason and what changed since the apply that built the server.
     */
    private Map<String, Change> replacements(State state, List<Instance> reality, Instant now, List<String> problems) {
        if (templates.isEmpty()) {
            return Map.of();
        }
        try {
            return HerdViews.replacements(new Planner(now).plan(herd, templates, state, reality, Planner.Options.APPLY));
        } catch (RuntimeException e) {
            problems.add("cannot plan, so outdated servers are not explained: " + Failures.message(e));
            return Map.of();
        }
    }

    /**
     * The engine (provider), the desired identities, the health probe and the etcd clients are made again when
     * the state changes: a CA rotation gives clusters a new client identity and members a new desired digest.
     */
    private void refreshTools(State state, List<String> problems) {
        if (engine != null && state.serial() == madeFor) {
            return;
        }
        closeTools();
        engine = new Engine(herd, factories, store, environment, EventSink.NONE, Engine.Settings.DEFAULT);
        madeFor = state.serial();
        try {
            templates = engine.templates();
            templatesProblem = null;
        } catch (Exception e) {
            templates = Map.of();
            templatesProblem = "cannot resolve the herd file's images, so outdated servers are not marked: " + Failures.message(e);
        }
        Map<String, javax.net.ssl.SSLContext> tls = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.role() == Role.ETCD && c.etcd().tls()) {
                EtcdPki.fromSecrets(state.secrets(), c.name()).ifPresent(pki -> tls.put(c.name(), pki.clientContext()));
            }
        }
        probe = new HealthProbe(tls);
    }

    private ClusterView cluster(Cluster c, Look look, List<String> problems) {
        List<ServerRecord> records = look.state().cluster(c.name());
        Map<String, RaftWatch.Answer> raft = c.role() == Role.ETCD && !records.isEmpty() && !look.quick()
                ? etcdStatus(c, look.state(), records, problems) : Map.of();
        long highest = raft.values().stream().filter(a -> a.status() != null).mapToLong(a -> a.status().raftIndex()).max().orElse(0);
        Map<Long, String> nameById = new HashMap<>();
        for (ServerRecord r : records) {
            RaftWatch.Answer a = raft.get(clientUrl(c, r.ip()));
            if (a != null && a.status() != null) {
                nameById.put(a.status().memberId(), r.name());
            }
        }
        List<ServerView> servers = new ArrayList<>();
        for (ServerRecord r : records) {
            servers.add(server(c, r, look, raft, highest, nameById));
        }
        return ClusterView.of(c.name(), c, servers);
    }

    /** @param c the server's cluster, {@code null} when the herd file no longer has it */
    private ServerView server(Cluster c, ServerRecord r, Look look, Map<String, RaftWatch.Answer> raft, long highest, Map<Long, String> nameById) {
        ServerView.Builder s = HerdViews.recorded(r, herd, look.now());
        Instance instance = look.byId().get(r.instanceId());
        s.providerStatus(look.quick() || !look.listed() ? "unknown" : instance == null ? "gone" : instance.status().name().toLowerCase());
        ServerHealth h = look.health().get(r.name());
        s.health(h != null ? h.view()
                : HealthView.unknown(look.quick() ? "not checked yet" : look.listed() ? "not checked" : "the provider could not be asked"));
        ClusterTemplate template = c == null ? null : templates.get(c.name());
        if (template == null) {
            s.desired(null, false); // the web API always said whether a server is outdated: not known to be
        } else {
            HerdViews.identity(s, r, template, look.replacements().get(r.name()));
        }
        // The provider tells what about the running server no longer matches what it was created from.
        s.drift(instance == null ? null : instance.drifted().orElse(null));
        if (c != null && c.role() == Role.ETCD) {
            s.etcd(member(raft.get(clientUrl(c, r.ip())), highest, nameById));
        }
        return s.build();
    }

    private static EtcdMemberView member(RaftWatch.Answer a, long highest, Map<Long, String> nameById) {
        if (a == null || a.status() == null) {
            return EtcdMemberView.unanswered(a == null ? "not known yet" : a.error());
        }
        var member = a.status();
        boolean isLeader = member.leaderId() != 0 && member.leaderId() == member.memberId();
        return new EtcdMemberView(member.learner() ? "learner" : isLeader ? "leader" : "follower", Long.toHexString(member.memberId()),
                member.leaderId() == 0 ? null : nameById.getOrDefault(member.leaderId(), Long.toHexString(member.leaderId())),
                member.raftIndex(), highest - member.raftIndex(), member.version(), null);
    }

    /**
     * The latest raft status of each recorded member, by client URL (asked in the background, see {@link RaftWatch});
     * one etcd client per cluster, kept until the state changes.
     */
    private Map<String, RaftWatch.Answer> etcdStatus(Cluster c, State state, List<ServerRecord> records, List<String> problems) {
        List<String> urls = records.stream().filter(r -> r.ip() != null).map(r -> clientUrl(c, r.ip())).toList();
        if (urls.isEmpty()) {
            return Map.of();
        }
        RaftWatch watch = raft.get(c.name());
        if (watch == null || !watch.clientUrls().equals(urls)) {
            if (watch != null) {
                watch.close();
            }
            javax.net.ssl.SSLContext tls = null;
            if (c.etcd().tls()) {
                Optional<EtcdPki> pki = EtcdPki.fromSecrets(state.secrets(), c.name());
                if (pki.isEmpty()) {
                    problems.add("cluster '" + c.name() + "' has no client certificate in the state yet, so its members' raft status is unknown");
                    return Map.of();
                }
                tls = pki.get().clientContext();
            }
            watch = new RaftWatch(urls, tls, ETCD_TIMEOUT, RAFT_MAX_AGE);
            raft.put(c.name(), watch);
        }
        return watch.latest();
    }

    private static String clientUrl(Cluster c, String ip) {
        return c.etcd().scheme() + "://" + ip + ":" + c.etcd().clientPort();
    }

    private void closeTools() {
        raft.values().forEach(RaftWatch::close);
        raft.clear();
        if (probe != null) {
            probe.close();
            probe = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    @Override
    public void close() {
        synchronized (looking) {
            closeTools();
        }
    }
}
