package io.drover.engine;

import io.drover.apply.Applier;
import io.drover.apply.ApplyResult;
import io.drover.apply.ApplySettings;
import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.apply.StateKeeper;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.HerdSource;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.plan.Reality;
import io.drover.render.ignition.IgnitionVersion;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterRole;
import io.drover.roles.EtcdPki;
import io.drover.spi.Instance;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.state.AppliedHerd;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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
     * @param roles makes each cluster's role ({@link RoleFactory#REAL} unless a test gives a cluster another)
     */
    public record Settings(int parallelism, Duration membershipDeadline, boolean wholeCluster, Clock clock, Sleeper sleeper,
            RoleFactory roles) {
        public static final Settings DEFAULT = new Settings(10, Duration.ofSeconds(60));

        public Settings(int parallelism, Duration membershipDeadline) {
            this(parallelism, membershipDeadline, true, Clock.systemUTC(), Sleeper.SYSTEM, RoleFactory.REAL);
        }

        public Settings forHeal() {
            return new Settings(parallelism, membershipDeadline, false, clock, sleeper, roles);
        }

        public Settings withTime(Clock newClock, Sleeper newSleeper) {
            return new Settings(parallelism, membershipDeadline, wholeCluster, newClock, newSleeper, roles);
        }

        public Settings withRoles(RoleFactory newRoles) {
            return new Settings(parallelism, membershipDeadline, wholeCluster, clock, sleeper, newRoles);
        }
    }

    private final Herd herd;
    private final StateStore store;
    private final EventSink events;
    private final Settings settings;
    private final ClusterPkis pkis;
    private final HerdProviders providers;
    private final Listings listings;
    private final ClusterTemplates templates;
    private final ClusterRoles roles;
    private final CaRotation rotation;
    private final ClusterLoadBalancers loadBalancers;

    public Engine(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, EventSink events, Settings settings) {
        this(herd, List.of(factory), store, environment, events, settings);
    }

    /** @param factories the installed providers: the herd's providers are opened from these, by type */
    public Engine(Herd herd, Collection<? extends ProviderFactory> factories, StateStore store, Map<String, String> environment,
            EventSink events, Settings settings) {
        this.herd = herd;
        this.store = store;
        this.events = events;
        this.settings = settings;
        this.pkis = new ClusterPkis(herd);
        this.providers = new HerdProviders(herd, factories, environment);
        this.listings = new Listings(providers, settings.clock());
        this.templates = new ClusterTemplates(herd, new ImageCache(providers, herd.directory(), settings.clock()), pkis);
        this.roles = new ClusterRoles(herd, pkis, settings);
        this.rotation = new CaRotation(herd, pkis, store);
        this.loadBalancers = new ClusterLoadBalancers(herd, providers, events);
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
    public Provider provider(String name) throws ProviderException {
        return providers.get(name);
    }

    /** Every server of this herd on every provider, and which provider listed it (by instance id). */
    public Listing list() throws ProviderException {
        return listings.fresh();
    }

    /**
     * Like {@link #list()}, but a provider listed less than its {@link Provider#refreshInterval()} ago by this engine is not
     * asked again: heal's passes, several a second, stay within a cloud's request budget. Whatever this engine applies
     * makes the next listing fresh; a decision to act is taken on a fresh plan (under the state lock) anyway.
     */
    public Listing recentList() throws ProviderException {
        return listings.recent();
    }

    /** What {@link #list()} found. */
    public record Listing(List<Instance> instances, Map<String, String> providerOf) {}

    /** The recorded state, or an empty one for a herd never applied. */
    public State state() throws StateException {
        return HerdStates.read(herd, store).orElseGet(() -> State.empty(herd.name()));
    }

    /** Refreshes against reality and plans. */
    public Plan plan(Planner.Options options) throws ProviderException, StateException, InterruptedException {
        return plan(options, Map.of(), null);
    }

    /** {@link #plan(Planner.Options, Map, Listing)} on a fresh listing. */
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
        Optional<State> stored = HerdStates.read(herd, store);
        State state = pkis.withPki(stored.orElseGet(() -> State.empty(herd.name())));
        if (listing == null) {
            listing = list();
        }
        List<Instance> instances = listing.instances();
        Ownership.require(herd, store, stored, state, instances);
        Map<String, ClusterTemplate> templates = options.destroy() ? Map.of() : templates();
        Reality reality = options.destroy()
                ? new Reality(instances, listing.providerOf(), Map.of(), Map.of())
                : Refresher.refresh(herd, pkis.clientContexts(state), c -> roles.role(c, state), state, listing, knownHealth);
        Plan plan = new Planner(settings.clock().instant()).plan(herd, templates, state, reality, options);
        if (options.heal()) {
            return plan; // heal keeps pools in step as it goes, and asks the providers for no more than it must
        }
        var loadBalancers = io.drover.plan.LoadBalancerChanges.of(plan, providers.loadBalancers());
        return (options.destroy() ? plan : plan.withStrays(providers.strays(plan))).withLoadBalancers(loadBalancers);
    }

    /** Where a TLS etcd cluster is in a CA rotation. */
    public synchronized EtcdPki.Phase caPhase(String cluster) throws StateException {
        return rotation.phase(cluster, state());
    }

    /** Starts a cluster's CA rotation, or moves it to its next phase (see {@link CaRotation#rotate}); the caller holds the state lock. */
    public synchronized EtcdPki.Phase rotateCa(String cluster, boolean advance) throws StateException {
        return rotation.rotate(cluster, advance, state());
    }

    /** A health probe that holds the client identity of every TLS cluster (for apply and heal). */
    public HealthProbe healthProbe() throws StateException {
        return new HealthProbe(pkis.clientContexts(state()));
    }

    /** Each cluster's provider, image (resolved once per provider) and identity digest. */
    public Map<String, ClusterTemplate> templates() throws ProviderException, StateException {
        return templates.of(state());
    }

    /**
     * Carries out a plan. The state first records what is being applied (the herd source, for heal) or that the herd
     * is being destroyed (so that heal leaves it alone); every step is saved as it completes.
     */
    public ApplyResult apply(Plan plan) throws Exception {
        return apply(plan, List.of());
    }

    /**
     * {@link #apply(Plan)} of slots whose last servers were destroyed and dropped from the state (a restore): each new
     * server is named above its predecessor and, where the provider can, gets its address.
     */
    public ApplyResult apply(Plan plan, List<io.drover.apply.Predecessor> predecessors) throws Exception {
        listings.forget(); // servers change: heal's next pass must see them as they are
        State prior = plan.destroy() ? plan.prior().markDestroyed() : plan.prior().withApplied(AppliedSource.of(herd.source(), plan));
        StateKeeper keeper = new StateKeeper(store, prior);
        Map<String, List<String>> dependsOn = herd.clusters().values().stream().collect(Collectors.toMap(Cluster::name, Cluster::dependsOn));
        try (HealthProbe probe = new HealthProbe(pkis.clientContexts(prior))) {
            ApplySettings applying = ApplySettings.builder().providers(providers).keeper(keeper).events(events).roles(roles.all(prior))
                    .dependsOn(dependsOn).launcher(new UserDataLauncher(herd)).health(probe).parallelism(settings.parallelism())
                    .wholeCluster(settings.wholeCluster()).time(settings.clock(), settings.sleeper()).predecessors(predecessors).build();
            ApplyResult result = new Applier(applying).apply(plan.withPrior(prior));
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

    /** What the state records as applied: the herd's source text and local files, with a digest. */
    public static AppliedHerd applied(HerdSource source) {
        return AppliedSource.of(source);
    }

    /**
     * Has the provider delete leftovers of interrupted runs (a port made just before a crash) that belong to no recorded
     * server. Call it under the state lock, when no create of this herd is under way.
     */
    public void sweep(State state) throws ProviderException {
        providers.sweep(state);
    }

    /** Writes each TLS cluster's client files under .drover/pki/ for users and tools (etcdctl). */
    public void writeClientFiles() throws IOException, StateException {
        pkis.writeClientFiles(workDir(herd), state(), note -> events.emit(new Event.Note(herd.name(), note)));
    }

    /** The role of a cluster (public for the heal reconciler, which drives the same membership changes). */
    public ClusterRole role(Cluster c) throws StateException {
        return roles.role(c, state());
    }

    /** The forms first-boot config can be rendered in. */
    public enum Format { IGNITION, CLOUD_INIT }

    /** What one server boots with, for {@code drover render} (see {@link Preview}). */
    public byte[] render(String server, Format format, IgnitionVersion version) throws Exception {
        State state = state();
        return new Preview(herd, c -> roles.role(c, state)).render(state, server, format, version);
    }

    /** The herd's outputs computed from a state and this herd file. */
    public Map<String, String> outputs(State state) {
        return Outputs.of(herd, state, loadBalancers::url);
    }

    /** Each declared load balancer as its provider has it now, with pool and live counts ({@link ClusterLoadBalancers#all}). */
    public Map<String, Optional<io.drover.spi.LoadBalancer>> loadBalancers() throws ProviderException {
        return loadBalancers.all();
    }

    /** What {@link #importServers} did. */
    public record ImportSummary(List<String> imported, List<String> unhealthy, Map<String, String> pkiSources) {}

    /**
     * {@code drover import}: records the running servers of this herd in a missing or empty state (see {@link Importer}),
     * recovering each etcd cluster's PKI from {@code sources} (states that may have it, such as a backup). The caller
     * holds the state lock.
     */
    public ImportSummary importServers(Map<String, State> sources) throws Exception {
        return new Importer(herd, list()).record(store, HerdStates.read(herd, store), sources, this::outputs, events);
    }

    @Override
    public void close() {
        providers.close();
    }
}
