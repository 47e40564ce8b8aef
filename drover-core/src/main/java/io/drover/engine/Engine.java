package io.drover.engine;

import io.drover.apply.Applier;
import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.apply.Launcher;
import io.drover.apply.StateKeeper;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdSource;
import io.drover.config.Output;
import io.drover.config.Role;
import io.drover.config.Template;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Identity;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.plan.Reality;
import io.drover.render.FirstBoot;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterRole;
import io.drover.roles.EtcdPki;
import io.drover.roles.EtcdRole;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import io.drover.state.AppliedHerd;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateLostException;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One herd, its provider and its state, wired together for one command: refresh + plan, apply, outputs. The engine
 * never knows which cloud it talks to; it only sees the {@link Provider} SPI.
 */
public final class Engine implements AutoCloseable {

    /**
     * Engine knobs a command may set.
     *
     * @param membershipDeadline how long one etcd membership change may retry
     * @param wholeCluster an apply ends by waiting until every recorded member of a changed etcd cluster is healthy
     *     (apply); heal only checks the membership, so one slow member does not hold up the next pass
     * @param clock and {@code sleeper}: time, injected so that tests need not wait
     */
    public record Settings(int parallelism, Duration membershipDeadline, boolean wholeCluster, Clock clock, Sleeper sleeper) {
        public static final Settings DEFAULT = new Settings(10, Duration.ofSeconds(60));

        public Settings(int parallelism, Duration membershipDeadline) {
            this(parallelism, membershipDeadline, true, Clock.systemUTC(), Sleeper.SYSTEM);
        }

        public Settings forHeal() {
            return new Settings(parallelism, membershipDeadline, false, clock, sleeper);
        }

        public Settings withTime(Clock newClock, Sleeper newSleeper) {
            return new Settings(parallelism, membershipDeadline, wholeCluster, newClock, newSleeper);
        }
    }

    private final Herd herd;
    /** Installed provider factories by type: a herd may use several. */
    private final Map<String, ProviderFactory> factories = new HashMap<>();
    private final StateStore store;
    private final Map<String, String> environment;
    private final EventSink events;
    private final Settings settings;
    private final ClusterPkis pkis;
    /** Providers opened so far, by name. */
    private final Map<String, Provider> opened = new LinkedHashMap<>();
    /** Each provider's last listing, for {@link #recentList()}; forgotten when this engine changes servers. */
    private final Map<String, Listed> listed = new HashMap<>();
    /** Resolved images by provider and reference, for {@link #IMAGE_REFRESH}. */
    private final Map<String, Resolved> images = new HashMap<>();

    /**
     * How long a resolved image is reused by a long-lived engine (heal's): an image published anew under the same name is
     * seen within this time, and a cloud is not asked for it on every pass. A command's engine resolves once anyway.
     */
    public static final Duration IMAGE_REFRESH = Duration.ofMinutes(1);

    private record Listed(List<Instance> instances, java.time.Instant at) {}

    private record Resolved(Image image, java.time.Instant at) {}

    public Engine(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, EventSink events, Settings settings) {
        this(herd, List.of(factory), store, environment, events, settings);
    }

    /** @param factories the installed providers: the herd's providers are opened from these, by type */
    public Engine(Herd herd, java.util.Collection<? extends ProviderFactory> factories, StateStore store, Map<String, String> environment,
            EventSink events, Settings settings) {
        this.herd = herd;
        factories.forEach(f -> this.factories.put(f.type(), f));
        this.store = store;
        this.environment = Map.copyOf(environment);
        this.events = events;
        this.settings = settings;
        this.pkis = new ClusterPkis(herd);
    }

    /** Where a herd keeps its local files: {@code .drover/} next to the herd file. */
    public static Path workDir(Herd herd) {
        return herd.directory().resolve(".drover");
    }

    public Herd herd() {
        return herd;
    }

    /** The herd's first provider (its only one in the one-provider form). */
    public Provider provider() throws ProviderException {
        return provider(herd.provider().name());
    }

    /** A provider of the herd by name, opened on first use. */
    public synchronized Provider provider(String name) throws ProviderException {
        Provider p = opened.get(name);
        if (p == null) {
            io.drover.config.ProviderBlock block = herd.providers().get(name);
            if (block == null) {
                throw new ProviderException("the state records servers on provider '" + name + "', which the herd file no longer"
                        + " declares: declare it again (under 'providers:') until no server of the herd is left on it");
            }
            ProviderFactory f = factories.get(block.type());
            if (f == null) {
                throw new ProviderException("provider '" + name + "' is of type '" + block.type() + "', which is not installed");
            }
            try {
                p = f.open(new ProviderContext(herd.name(), block.settings(), workDir(herd), environment, name));
            } catch (ProviderException e) {
                throw named(name, block.type(), e);
            }
            opened.put(name, p);
        }
        return p;
    }

    /** The providers, for the applier: opened on first use. */
    private io.drover.apply.Providers providers() {
        List<String> names = List.copyOf(herd.providers().keySet());
        return new io.drover.apply.Providers() {
            @Override
            public Provider get(String name) throws ProviderException {
                return provider(name == null ? herd.provider().name() : name);
            }

            @Override
            public List<String> names() {
                return names;
            }
        };
    }

    /** A provider's failure, saying which provider it was (a herd may have several). */
    private ProviderException named(String name, String type, ProviderException e) {
        if (herd.providers().size() == 1) {
            return e;
        }
        return new ProviderException("provider '" + name + "' (" + type + "): " + e.getMessage(), e.retryable(), e);
    }

    /** Every server of this herd on every provider, and which provider listed it (by instance id). */
    public Listing list() throws ProviderException {
        return list(false);
    }

    /**
     * Like {@link #list()}, but a provider listed less than its {@link Provider#refreshInterval()} ago by this engine is not
     * asked again: heal's passes, several a second, stay within a cloud's request budget. Whatever this engine applies
     * makes the next listing fresh; a decision to act is taken on a fresh plan (under the state lock) anyway.
     */
    public Listing recentList() throws ProviderException {
        return list(true);
    }

    private Listing list(boolean recent) throws ProviderException {
        List<Instance> all = new java.util.ArrayList<>();
        Map<String, String> providerOf = new HashMap<>();
        for (String name : herd.providers().keySet()) {
            List<Instance> found;
            try {
                Provider provider = provider(name);
                java.time.Instant now = settings.clock().instant();
                Listed last;
                synchronized (listed) {
                    last = listed.get(name);
                }
                if (recent && last != null && now.isBefore(last.at().plus(provider.refreshInterval()))) {
                    found = last.instances();
                } else {
                    found = List.copyOf(provider.list());
                    synchronized (listed) {
                        listed.put(name, new Listed(found, now));
                    }
                }
            } catch (ProviderException e) {
                throw named(name, herd.providers().get(name).type(), e);
            }
            for (Instance i : found) {
                String other = providerOf.putIfAbsent(i.id(), name);
                if (other != null) {
                    throw new ProviderException("providers '" + other + "' and '" + name + "' both list server " + i.name()
                            + ": two providers of one herd must not share their servers (give them different 'root' settings)");
                }
                all.add(i);
            }
        }
        return new Listing(all, providerOf);
    }

    /** What {@link #list()} found. */
    public record Listing(List<Instance> instances, Map<String, String> providerOf) {}

    /** The recorded state, or an empty one for a herd never applied. */
    public State state() throws StateException {
        return stored().orElseGet(() -> State.empty(herd.name()));
    }

    private Optional<State> stored() throws StateException {
        Optional<State> state = store.read();
        if (state.isPresent() && !state.get().herd().equals(herd.name()) && !state.get().isEmpty()) {
            throw new StateException("the state at " + store.describe() + " belongs to herd '" + state.get().herd()
                    + "', not '" + herd.name() + "' (rename the herd back, or use another directory)");
        }
        return state;
    }

    /** Refreshes against reality and plans. */
    public Plan plan(Planner.Options options) throws ProviderException, StateException, InterruptedException {
        return plan(options, Map.of());
    }

    /**
     * Refreshes against reality and plans.
     *
     * @param knownHealth health the caller checked already (heal), by instance id: not probed again
     */
    public Plan plan(Planner.Options options, Map<String, Health> knownHealth) throws ProviderException, StateException, InterruptedException {
        return plan(options, knownHealth, null);
    }

    /**
     * Refreshes against reality and plans.
     *
     * @param knownHealth health the caller checked already (heal), by instance id: not probed again
     * @param listing what the providers listed for the caller just now (heal's pass), or null to list them
     */
    public Plan plan(Planner.Options options, Map<String, Health> knownHealth, Listing listing)
            throws ProviderException, StateException, InterruptedException {
        Optional<State> stored = stored();
        State state = pkis.withPki(stored.orElseGet(() -> State.empty(herd.name())));
        if (listing == null) {
            listing = list();
        }
        List<Instance> instances = listing.instances();
        requireOwnership(stored, state, instances);
        Map<String, ClusterTemplate> templates = options.destroy() ? Map.of() : templates();
        Reality reality = options.destroy()
                ? new Reality(instances, listing.providerOf(), Map.of(), Map.of())
                : refresh(state, listing, knownHealth);
        Plan plan = new Planner(settings.clock().instant()).plan(herd, templates, state, reality, options);
        return options.heal() || options.destroy() ? plan : plan.withStrays(strays(plan));
    }

    /**
     * Cluster resources left on a provider the cluster no longer runs on (it moved, and no server of it is left there,
     * or will be after this plan): apply removes them. Only asked of herds with several providers.
     */
    private List<Plan.StrayCluster> strays(Plan plan) throws ProviderException {
        List<Plan.StrayCluster> strays = new java.util.ArrayList<>();
        if (herd.providers().size() < 2) {
            return strays;
        }
        for (String name : herd.providers().keySet()) {
            for (String cluster : provider(name).listClusters()) {
                ClusterTemplate t = plan.clusters().get(cluster);
                if (t != null && !t.provider().equals(name)) {
                    strays.add(new Plan.StrayCluster(cluster, name));
                }
            }
        }
        return strays;
    }

    /**
     * Refuses to act on servers the state does not account for: with no state at all while servers of the herd run
     * (it was deleted), or servers recorded in another state of the herd (another lineage). Replacing them would make
     * a new CA and lose the running cluster; the message says how to recover.
     */
    private void requireOwnership(Optional<State> stored, State state, List<Instance> instances) throws StateLostException {
        if (instances.isEmpty()) {
            return;
        }
        List<String> names = instances.stream().map(Instance::name).sorted().toList();
        if (stored.isEmpty()) {
            throw new StateLostException("there is no state at " + store.describe() + ", but " + names.size() + " server"
                    + (names.size() == 1 ? "" : "s") + " of herd '" + herd.name() + "' run (" + String.join(", ", names)
                    + "). Drover will not touch them without their state: it holds each etcd cluster's CA. Restore the state"
                    + " (its previous version is " + store.describe() + ".backup), or run 'drover import' to adopt the running"
                    + " servers into a new state", names);
        }
        List<String> foreign = instances.stream()
                .filter(i -> i.tag(Tags.LINEAGE) != null && !i.tag(Tags.LINEAGE).equals(state.lineage()))
                .map(Instance::name).sorted().toList();
        if (!foreign.isEmpty()) {
            throw new StateLostException("server" + (foreign.size() == 1 ? " " : "s ") + String.join(", ", foreign) + " of herd '"
                    + herd.name() + "' belong" + (foreign.size() == 1 ? "s" : "") + " to another state than " + store.describe()
                    + " (lineage " + foreign.stream().map(n -> instances.stream().filter(i -> i.name().equals(n)).findFirst()
                            .map(i -> i.tag(Tags.LINEAGE)).orElse("?")).distinct().findFirst().orElse("?") + ", this state is "
                    + state.lineage() + "). Use the state they were made with, or destroy them from there", foreign);
        }
    }

    /**
     * The probe is closed when the refresh is done: an open HTTP client keeps a selector thread in a native call, and
     * the JVM then waits 300 ms at exit for it (and heal would leave one per pass behind).
     */
    private Reality refresh(State state, Listing listing, Map<String, Health> knownHealth) throws InterruptedException {
        try (HealthProbe probe = new HealthProbe(pkis.clientContexts(state))) {
            return new Refresher(herd, probe, c -> role(c, state)).refresh(state, listing, knownHealth);
        }
    }

    /** Where a TLS etcd cluster is in a CA rotation. */
    public synchronized EtcdPki.Phase caPhase(String cluster) throws StateException {
        return requirePki(cluster).phase();
    }

    /**
     * Starts a CA rotation of a cluster (or, when one is under way, moves it to its next phase once every member runs
     * the current one). The state is written at once; the caller holds the state lock. Each phase changes every
     * member's identity, so the next apply replaces them all, rolling.
     */
    public synchronized EtcdPki.Phase rotateCa(String cluster, boolean advance) throws StateException {
        EtcdPki pki = requirePki(cluster);
        EtcdPki next = advance ? pki.advance() : pki.startRotation(herd.name(), cluster);
        State state = state();
        Map<String, String> secrets = EtcdPki.clearSecrets(pkis.withPki(state).secrets(), cluster);
        secrets.putAll(next.toSecrets(cluster));
        store.write(state.withSecrets(secrets).nextSerial(), StateVersion.of(state));
        pkis.replace(cluster, next);
        return next.phase();
    }

    private EtcdPki requirePki(String cluster) throws StateException {
        Cluster c = herd.clusters().get(cluster);
        EtcdPki pki = c == null ? null : pkis.pki(c, state());
        if (pki == null) {
            throw new StateException("cluster '" + cluster + "' is not an etcd cluster with TLS, so it has no CA to rotate");
        }
        return pki;
    }

    /** A health probe that holds the client identity of every TLS cluster (for apply and heal). */
    public HealthProbe healthProbe() throws StateException {
        return new HealthProbe(pkis.clientContexts(state()));
    }

    /** Each cluster's provider, image (resolved once per provider) and identity digest. */
    public Map<String, ClusterTemplate> templates() throws ProviderException, StateException {
        State state = state();
        Map<String, ClusterTemplate> templates = new LinkedHashMap<>();
        for (Cluster c : herd.clusters().values()) {
            String provider = herd.providerOf(c).name();
            Image image = image(provider, herd.providerOf(c).type(), c.image());
            EtcdPki pki = pkis.pki(c, state);
            // The CA is part of every member's identity: a new CA means new members, rolled one at a time.
            Map<String, String> extra = pki == null ? Map.of() : pki.identity();
            templates.put(c.name(), new ClusterTemplate(c, provider, image, Identity.digest(herd, c, image, extra),
                    Identity.facts(herd, c, image, extra)));
        }
        return templates;
    }

    /** An image of a provider, resolved at most {@link #IMAGE_REFRESH} ago by this engine. */
    private Image image(String provider, String type, String reference) throws ProviderException {
        String key = provider + "\0" + reference;
        java.time.Instant now = settings.clock().instant();
        synchronized (images) {
            Resolved r = images.get(key);
            if (r != null && now.isBefore(r.at().plus(IMAGE_REFRESH))) {
                return r.image();
            }
        }
        Image image;
        try {
            image = provider(provider).resolveImage(reference);
        } catch (ProviderException e) {
            throw named(provider, type, e);
        }
        synchronized (images) {
            images.put(key, new Resolved(image, now));
        }
        return image;
    }

    /**
     * Carries out a plan. The state first records what is being applied (the herd source, for heal) or that the herd
     * is being destroyed (so that heal leaves it alone); every step is saved as it completes.
     */
    public ApplyResult apply(Plan plan) throws Exception {
        synchronized (listed) {
            listed.clear(); // servers change: heal's next pass must see them as they are
        }
        State prior = plan.destroy() ? plan.prior().markDestroyed() : plan.prior().withApplied(applied(herd.source(), plan));
        Plan recorded = plan.withPrior(prior);
        StateKeeper keeper = new StateKeeper(store, prior);
        Map<String, ClusterRole> roles = new HashMap<>();
        Map<String, List<String>> dependsOn = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            roles.put(c.name(), role(c, prior));
            dependsOn.put(c.name(), c.dependsOn());
        }
        try (HealthProbe probe = new HealthProbe(pkis.clientContexts(prior))) {
            Applier applier = new Applier(providers(), keeper, events, roles, dependsOn, launcher(), probe, settings.parallelism(),
                    settings.wholeCluster(), settings.clock(), settings.sleeper());
            ApplyResult result = applier.apply(recorded);
            if (result.ok()) {
                sweep(keeper.current());
            }
            if (!plan.destroy()) {
                pkis.writeClientFiles(workDir(herd), keeper.current(), note -> events.emit(new Event.Note(herd.name(), note)));
            }
            State withOutputs = keeper.update(s -> s.withOutputs(outputs(s)));
            return new ApplyResult(withOutputs, result.done(), result.failures(), result.skipped());
        }
    }

    /** What the state records as applying {@code plan}: the herd's source, and what its identities cover (plan shows diffs from it). */
    private static AppliedHerd applied(HerdSource source, Plan plan) {
        AppliedHerd applied = applied(source);
        return applied == null ? null : applied.withIdentities(io.drover.plan.IdentityDiffs.toRecord(plan));
    }

    /** What the state records as applied: the herd's source text and local files, with a digest. */
    public static AppliedHerd applied(HerdSource source) {
        if (source == null) {
            return null;
        }
        StringBuilder all = new StringBuilder(source.text());
        new TreeMap<>(source.localFiles()).forEach((k, v) -> all.append('\0').append(k).append('\0').append(v));
        return new AppliedHerd(source.text(), source.localFiles(), Identity.sha256(all.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Has the provider delete leftovers of interrupted runs (a port made just before a crash) that belong to no recorded
     * server. Call it under the state lock, when no create of this herd is under way.
     */
    public void sweep(State state) throws ProviderException {
        for (String name : herd.providers().keySet()) {
            java.util.Set<String> keep = state.servers().stream().filter(r -> r.providerOr(herd.provider().name()).equals(name))
                    .map(ServerRecord::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
            provider(name).sweep(keep);
        }
    }

    /** Writes each TLS cluster's client files under .drover/pki/ for users and tools (etcdctl). */
    public void writeClientFiles() throws java.io.IOException, StateException {
        pkis.writeClientFiles(workDir(herd), state(), note -> events.emit(new Event.Note(herd.name(), note)));
    }

    /** The role of a cluster (public for the heal reconciler, which drives the same membership changes). */
    public ClusterRole role(Cluster c) throws StateException {
        return role(c, state());
    }

    private ClusterRole role(Cluster c, State state) {
        return switch (c.role()) {
            case PLAIN -> ClusterRole.PLAIN;
            case ETCD -> new EtcdRole(herd.name(), c, settings.membershipDeadline(), pkis.pki(c, state), () -> pkis.clientContext(c, state),
                    settings.clock(), settings.sleeper());
        };
    }

    /** Renders a server's user data: the cluster's first-boot config plus its role's, templates resolved. */
    private Launcher launcher() {
        IgnitionRenderer ignition = new IgnitionRenderer(IgnitionVersion.V3_3);
        io.drover.render.cloudinit.CloudInitRenderer cloudInit = new io.drover.render.cloudinit.CloudInitRenderer();
        return (template, self, slot, roleAdditions, state) -> {
            Cluster c = template.cluster();
            var scope = TemplateScope.server(herd, c, self, slot, state);
            FirstBoot resolved = c.firstBoot().mapStrings(s -> Template.resolve(s, scope)).plus(roleAdditions);
            return switch (c.userData()) {
                case IGNITION -> new UserData(UserData.IGNITION, ignition.render(resolved));
                case CLOUD_INIT -> new UserData(UserData.CLOUD_INIT, cloudInit.render(resolved));
            };
        };
    }

    /** The forms first-boot config can be rendered in. */
    public enum Format { IGNITION, CLOUD_INIT }

    /** What one server boots with, for {@code drover render} (see {@link Preview}). */
    public byte[] render(String server, Format format, IgnitionVersion version) throws Exception {
        State state = state();
        return new Preview(herd, c -> role(c, state)).render(state, server, format, version);
    }

    /** The herd's outputs computed from a state and this herd file. */
    public Map<String, String> outputs(State state) {
        Map<String, String> values = new LinkedHashMap<>();
        var scope = TemplateScope.herd(herd, state);
        for (Output o : herd.outputs().values()) {
            values.put(o.name(), Template.resolve(o.value(), ref -> {
                String v = scope.apply(ref);
                return v == null ? "" : v;
            }));
        }
        return values;
    }

    /** What {@link #importServers} did. */
    public record ImportSummary(List<String> imported, List<String> unhealthy, Map<String, String> pkiSources) {}

    /**
     * {@code drover import}: records the running servers of this herd in a missing or empty state (see {@link Importer}),
     * recovering each etcd cluster's PKI from {@code sources} (states that may have it, such as a backup). The caller
     * holds the state lock.
     */
    public ImportSummary importServers(Map<String, State> sources) throws Exception {
        Optional<State> current = stored();
        Importer.Result result = new Importer(herd, list()).run(current, sources);
        State state = result.state();
        // Compare-and-swap on what import found: a state written meanwhile is not overwritten.
        store.write(state.withOutputs(outputs(state)).nextSerial(), current.map(StateVersion::of).orElse(StateVersion.NONE));
        new ClusterPkis(herd).writeClientFiles(workDir(herd), state, note -> events.emit(new Event.Note(herd.name(), note)));
        return new ImportSummary(result.imported(), result.unhealthy(), result.pkiSources());
    }

    /** Whether a cluster of this herd is an etcd cluster (for callers that only hold a name). */
    public boolean isEtcd(String cluster) {
        Cluster c = herd.clusters().get(cluster);
        return c != null && c.role() == Role.ETCD;
    }

    @Override
    public synchronized void close() {
        opened.values().forEach(Provider::close);
        opened.clear();
    }
}
