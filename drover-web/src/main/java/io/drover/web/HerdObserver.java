package io.drover.web;

import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.heal.HealthChecks;
import io.drover.heal.ServerHealth;
import io.drover.health.HealthProbe;
import io.drover.plan.ClusterTemplate;
import io.drover.roles.EtcdPki;
import io.drover.spi.Failures;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.state.LockInfo;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateStore;
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
 * file, the outputs and the lock holder, as one JSON document ({@code /api/herd}, see docs/web.md).
 *
 * <p>A look costs a provider listing, one check per server and one etcd status call per member, all bounded by
 * timeouts; its result is kept for {@code maxAge}, so any number of browser tabs cause at most one look per
 * {@code maxAge}. Read-only: it never takes the state lock.
 */
public final class HerdObserver implements AutoCloseable {
    /** The version of the documents this observer and the event API produce; see docs/web.md. */
    public static final int API_VERSION = 1;
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
    private volatile Look last;

    private record Look(Instant at, Map<String, Object> doc) {}

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
    public Map<String, Object> look() throws InterruptedException {
        Look seen = last;
        if (seen != null && fresh(seen)) {
            return seen.doc();
        }
        synchronized (looking) {
            seen = last;
            if (seen != null && fresh(seen)) {
                return seen.doc();
            }
            Map<String, Object> doc = lookNow(false);
            last = new Look(Instant.now(), doc);
            return doc;
        }
    }

    /**
     * At once, for a page's first paint: the latest look, or before the first one (a server just started) the
     * state alone, every server's health {@code unknown} ("not checked yet"). Never waits for a check.
     */
    public Map<String, Object> firstLook() throws InterruptedException {
        Look seen = last;
        return seen != null ? seen.doc() : lookNow(true);
    }

    private boolean fresh(Look seen) {
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
    private Map<String, Object> lookNow(boolean quick) throws InterruptedException {
        Instant now = Instant.now();
        List<String> problems = new ArrayList<>();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", API_VERSION);
        doc.put("herd", herd.name());
        doc.put("provider", herd.provider().type());
        doc.put("providers", herd.providers().values().stream().map(p -> Map.of("name", p.name(), "type", p.type())).toList());
        doc.put("file", herd.file().toString());
        doc.put("generatedAt", now.toString());

        State state;
        try {
            state = store.read().orElseGet(() -> State.empty(herd.name()));
        } catch (Exception e) {
            problems.add("cannot read the state: " + Failures.message(e));
            state = State.empty(herd.name());
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
        Map<String, Instance> byId = new HashMap<>();
        reality.forEach(i -> byId.put(i.id(), i));

        List<Map<String, Object>> clusters = new ArrayList<>();
        for (Cluster c : herd.clusters().values()) {
            clusters.add(cluster(c, state, health, byId, listed, quick, now, problems));
        }
        // Servers of clusters the herd file no longer has (a destroy or apply will remove them).
        List<ServerRecord> strays = state.servers().stream().filter(r -> !herd.clusters().containsKey(r.cluster())).toList();
        if (!strays.isEmpty()) {
            problems.add("the state records servers of clusters the herd file no longer has: "
                    + String.join(", ", strays.stream().map(ServerRecord::name).toList()) + " ('drover apply' removes them)");
        }
        doc.put("clusters", clusters);
        doc.put("outputs", state.outputs());
        try {
            Optional<LockInfo> holder = store.lockHolder();
            doc.put("lock", holder.map(HerdObserver::lock).orElse(null));
        } catch (Exception e) {
            problems.add("cannot read the state lock: " + Failures.message(e));
            doc.put("lock", null);
        }
        if (templatesProblem != null) {
            problems.add(templatesProblem);
        }
        doc.put("problems", problems);
        return doc;
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

    private Map<String, Object> cluster(Cluster c, State state, Map<String, ServerHealth> health, Map<String, Instance> byId,
            boolean listed, boolean quick, Instant now, List<String> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("role", c.role().name().toLowerCase());
        m.put("size", c.size());
        m.put("image", c.image());
        m.put("check", c.health().type().name().toLowerCase());
        List<ServerRecord> records = state.cluster(c.name());
        Map<String, RaftWatch.Answer> raft = c.role() == Role.ETCD && !records.isEmpty() && !quick
                ? etcdStatus(c, state, records, problems) : Map.of();
        long highest = raft.values().stream().filter(a -> a.status() != null).mapToLong(a -> a.status().raftIndex()).max().orElse(0);
        Map<Long, String> nameById = new HashMap<>();
        for (ServerRecord r : records) {
            RaftWatch.Answer a = raft.get(clientUrl(c, r.ip()));
            if (a != null && a.status() != null) {
                nameById.put(a.status().memberId(), r.name());
            }
        }
        ClusterTemplate template = templates.get(c.name());

        List<Map<String, Object>> servers = new ArrayList<>();
        int healthy = 0;
        String leader = null;
        for (ServerRecord r : records) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", r.name());
            s.put("resource", r.resource());
            s.put("slot", r.slot());
            s.put("generation", r.generation());
            s.put("address", r.ip());
            String providerName = r.providerOr(herd.provider().name());
            s.put("provider", providerName);
            s.put("providerType", herd.providers().containsKey(providerName) ? herd.providers().get(providerName).type() : null);
            Instance instance = byId.get(r.instanceId());
            s.put("providerStatus", quick || !listed ? "unknown" : instance == null ? "gone" : instance.status().name().toLowerCase());
            ServerHealth h = health.get(r.name());
            Map<String, Object> hm = new LinkedHashMap<>();
            if (h == null) {
                hm.put("status", "unknown");
                hm.put("detail", quick ? "not checked yet" : listed ? "not checked" : "the provider could not be asked");
            } else {
                hm.put("status", h.starting() ? "starting" : h.health().status().name().toLowerCase());
                hm.put("detail", h.health().detail());
                if (h.health().isUp()) {
                    healthy++;
                }
            }
            s.put("health", hm);
            s.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
            s.put("ageSeconds", r.createdAt() == null ? null : Duration.between(r.createdAt(), now).toSeconds());
            s.put("digest", r.digest());
            s.put("desiredDigest", template == null ? null : template.digest());
            boolean outdated = template != null && r.digest() != null && !template.digest().equals(r.digest());
            s.put("outdated", outdated);
            s.put("outdatedBecause", !outdated ? null
                    : template.image().digest().equals(r.imageDigest()) ? "first-boot config or role changed" : "image changed");
            // The provider tells what about the running server no longer matches what it was created from.
            String drift = instance == null ? null : instance.drifted().orElse(null);
            s.put("drifted", drift != null);
            s.put("driftedBecause", drift);
            s.put("tainted", r.tainted());
            if (c.role() == Role.ETCD) {
                RaftWatch.Answer a = raft.get(clientUrl(c, r.ip()));
                Map<String, Object> e = new LinkedHashMap<>();
                if (a == null || a.status() == null) {
                    e.put("role", null);
                    e.put("error", a == null ? "not known yet" : a.error());
                } else {
                    var member = a.status();
                    boolean isLeader = member.leaderId() != 0 && member.leaderId() == member.memberId();
                    e.put("role", member.learner() ? "learner" : isLeader ? "leader" : "follower");
                    e.put("memberId", Long.toHexString(member.memberId()));
                    e.put("leader", member.leaderId() == 0 ? null : nameById.getOrDefault(member.leaderId(), Long.toHexString(member.leaderId())));
                    e.put("raftIndex", member.raftIndex());
                    e.put("lag", highest - member.raftIndex());
                    e.put("version", member.version());
                    if (isLeader) {
                        leader = r.name();
                    }
                }
                s.put("etcd", e);
            }
            servers.add(s);
        }
        m.put("healthy", healthy);
        m.put("leader", leader);
        m.put("servers", servers);
        return m;
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

    private static Map<String, Object> lock(LockInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", info.id()); // for 'drover force-unlock ID'
        m.put("operation", info.operation());
        m.put("user", info.user());
        m.put("host", info.host());
        m.put("pid", info.pid());
        m.put("since", info.since() == null ? null : info.since().toString());
        m.put("description", info.describe());
        return m;
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
