package io.drover.heal;

import io.drover.addr.SlotAddress;
import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.config.Cluster;
import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.config.HerdSource;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.roles.QuorumLostException;
import io.drover.spi.Failures;
import io.drover.spi.ProviderFactory;
import io.drover.state.LockHeldException;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The loop behind {@code drover heal}. Each pass: read the state, refresh (ask the provider what runs), check every
 * recorded server's health, decide (failed {@code failures} checks in a row, dead, drifted, missing), act through the
 * same plan/apply engine as {@code drover apply}, record. It holds the state lock only while it acts, so an operator's
 * apply can get in between passes; the engine saves the state after every step, so stopping between passes (or
 * crashing during one) never leaves a step unrecorded.
 *
 * <p>Heal keeps what was applied, nothing else: it rebuilds servers from the herd source recorded in the state by
 * the last apply (never from a herd file edited since), never rolls a changed config (that is apply's job), never
 * creates a slot that has no recorded server, and leaves a destroyed herd alone.
 */
public final class Reconciler implements AutoCloseable {
    private final Herd fileHerd;
    private final Map<String, ProviderFactory> providers = new LinkedHashMap<>();
    private final StateStore store;
    private final Map<String, String> environment;
    private final HealOptions options;
    private final HealthTracker tracker;
    private final HealMetrics metrics;
    private final HealListener listener;
    private final Clock clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Per slot being replaced in the current pass: when heal decided to, and why. */
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
    /** What heal acts on now: the herd as last applied, with its engine and probe; rebuilt when an apply changes it. */
    private Current current;
    private String lastLockHolder;
    private String lastIdle;
    private final Set<String> reportedUnfilled = new HashSet<>();
    private final QuorumWatch quorumWatch = new QuorumWatch();

    private record Decision(Instant at, Change change) {}

    /** How long after heal starts a timed-out check of a server not yet seen healthy does not count (see HealthTracker). */
    private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(10);

    private record Current(String key, Herd herd, Engine engine, HealthProbe probe, HealthChecks checks) implements AutoCloseable {
        @Override
        public void close() {
            probe.close();
            engine.close();
        }
    }

    /**
     * @param herd the herd file as it was when heal started: used until an apply has recorded its source in the state
     * @param providers every installed provider: the applied herd may name another one than the file
     */
    private java.util.function.BiFunction<Herd, State, Herd> appliedImages = (herd, state) -> herd; // set before run()

    public Reconciler(Herd herd, Collection<? extends ProviderFactory> providers, StateStore store, Map<String, String> environment,
            HealOptions options, HealMetrics metrics, HealListener listener, Clock clock) {
        this.fileHerd = herd;
        providers.forEach(f -> this.providers.put(f.type(), f));
        this.store = store;
        this.environment = Map.copyOf(environment);
        this.options = options;
        this.metrics = metrics;
        this.listener = listener;
        this.clock = clock;
        // A cold start's first TLS checks may time out: give servers a few seconds to be seen before a timeout counts.
        this.tracker = new HealthTracker(options.backoff(), clock.instant().plus(STARTUP_PATIENCE));
    }

    /**
     * Sets how a herd parsed from the state's recorded source gets its baked images: each {@code ${images.NAME}}
     * becomes the stored image the recorded servers were created from (heal keeps what was applied, and the current
     * digest of an image may differ from it). The default leaves the herd as parsed.
     */
    public Reconciler withAppliedImages(java.util.function.BiFunction<Herd, State, Herd> images) {
        this.appliedImages = images;
        return this;
    }

    public Reconciler(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, HealOptions options,
            HealMetrics metrics, HealListener listener) {
        this(herd, List.of(factory), store, environment, options, metrics, listener, Clock.systemUTC());
    }

    /** The engine heal acts through now (for tools that want the same view). */
    public synchronized Engine engine() throws Exception {
        return current(store.read().orElse(null)).engine();
    }

    /** Runs passes until {@link #stop()} is called, one every cluster check interval (the shortest of them). */
    public void run() throws InterruptedException {
        emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "healing herd '" + fileHerd.name() + "'"));
        try {
            while (stop.getCount() > 0) {
                long started = System.nanoTime();
                try {
                    pass();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // A provider or state hiccup must not end the loop: say so and try again next pass.
                    emit(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "pass failed: " + Failures.message(e)));
                }
                long elapsed = System.nanoTime() - started;
                long wait = Math.max(10_000_000L, interval().toNanos() - elapsed);
                stop.await(wait, TimeUnit.NANOSECONDS);
            }
        } finally {
            emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "stopped"));
            stopped.countDown();
        }
    }

    /**
     * {@code drover heal --once}: passes until every failing server is decided, i.e. replaced or healthy again. A
     * single check is not enough evidence (a server is replaced after {@code failures} in a row), so this takes up to
     * the largest {@code failures} of the herd's clusters, one check interval apart; dead servers go at once.
     */
    public HealPass once() throws Exception {
        int most = herd().clusters().values().stream().mapToInt(c -> c.health().failures()).max().orElse(1);
        HealPass last = null;
        for (int i = 0; i <= most; i++) {
            HealPass p = pass();
            last = p;
            boolean undecided = p.health().values().stream()
                    .anyMatch(s -> !s.starting() && !s.health().isUp() && !p.unhealthy().contains(s.name()));
            if (!undecided || p.lockedBy() != null || p.idle() != null || stop.getCount() == 0) {
                break;
            }
            stop.await(interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        return last;
    }

    /** Asks {@link #run()} to return after the current pass; the pass itself (and its apply) finishes first. */
    public void stop() {
        stop.countDown();
    }

    /** Waits for {@link #run()} to return after {@link #stop()}; false if it did not within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized Herd herd() {
        return current == null ? fileHerd : current.herd();
    }

    private Duration interval() {
        return herd().clusters().values().stream().map(c -> c.health().interval()).min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    }

    /** One pass: read the state, refresh, check, decide, act, record. */
    public HealPass pass() throws Exception {
        Instant start = clock.instant();
        metrics.pass();
        State state = store.read().orElse(null);
        String idle = idleReason(state);
        if (idle != null) {
            if (!idle.equals(lastIdle)) {
                emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "idle: " + idle));
            }
            lastIdle = idle;
            return HealPass.idle(start, Duration.between(start, clock.instant()), idle);
        }
        if (lastIdle != null) {
            emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "the herd has servers again: healing"));
            lastIdle = null;
        }
        Current now = current(state);
        // While another run holds the state lock (an operator's apply), the servers it replaces fail checks and its
        // slots are briefly empty by design: heal keeps counting, but does not report them as problems.
        boolean othersAtWork = store.lockHolder().isPresent();
        Checked checked = check(now, state, othersAtWork);
        if (!othersAtWork) {
            reportUnfilled(now.herd(), state);
        }
        return act(start, now, checked);
    }

    /** Why heal has nothing to look after, or null when it has servers to keep. */
    private static String idleReason(State state) {
        return state == null ? "no state: the herd was never applied here; run 'drover apply' to create it"
                : state.destroyed() ? "the herd was destroyed; heal does nothing until 'drover apply' creates it again"
                : state.servers().isEmpty() ? "the state records no servers; heal does not create them, 'drover apply' does"
                : null;
    }

    /** What a pass found: the listing its plan reuses, each server's health, and which servers heal decided are unhealthy. */
    private record Checked(Engine.Listing listing, Map<String, ServerHealth> health, Set<String> unhealthy,
            Map<String, Instant> firstFailure, Set<String> quorumLost) {}

    /** Lists the servers (once), checks every one, and decides from the run of checks which are unhealthy. */
    private Checked check(Current now, State state, boolean quiet) throws Exception {
        Herd herd = now.herd();
        // One listing per pass, reused by the plan; a cloud is asked at most once per its refresh interval.
        Engine.Listing listing = now.engine().recentList();
        Map<String, ServerHealth> health = now.checks().checkAll(herd, state, listing.instances());
        Instant checked = clock.instant();

        Set<String> unhealthy = new LinkedHashSet<>();
        Map<String, Instant> firstFailure = new HashMap<>();
        for (ServerHealth s : health.values()) {
            Cluster cluster = herd.clusters().get(s.record().cluster());
            if (s.starting() || stillStarting(s, cluster, checked)) {
                continue;
            }
            int before = tracker.run(s.name()).failures();
            HealthTracker.Verdict v = tracker.observe(s.name(), s.health(), cluster.health().failures(), s.gone(), checked);
            if (v.unhealthy()) {
                unhealthy.add(s.name());
                firstFailure.put(s.name(), v.firstFailure());
            } else if (v.failures() == 1 && !quiet) {
                emit(event(HealEvent.Kind.FAILING, s, "failed a check: " + s.health().detail()));
            } else if (v.failures() == 0 && before > 0) {
                emit(event(HealEvent.Kind.RECOVERED, s, "healthy again after " + before + " failed check" + (before == 1 ? "" : "s")));
            }
        }
        tracker.retainServers(health.keySet());
        for (Cluster c : herd.clusters().values()) {
            List<ServerHealth> servers = HealthChecks.ofCluster(health, c.name());
            metrics.servers(c.name(), (int) servers.stream().filter(s -> s.health().isUp()).count(), servers.size());
        }
        return new Checked(listing, health, unhealthy, firstFailure, quorumLost(herd, health, unhealthy, checked));
    }

    /**
     * A server a killed run created that has not answered yet, within its start timeout: not failing, only starting
     * (the plan waits for it, as apply does).
     */
    private static boolean stillStarting(ServerHealth s, Cluster cluster, Instant now) {
        ServerRecord r = s.record();
        return r.tainted() && !s.gone() && !s.health().isUp() && r.createdAt() != null
                && now.isBefore(r.createdAt().plus(cluster.health().startTimeout()));
    }

    /** Plans from what the pass found and, under the state lock, carries out the replacements that are due. */
    private HealPass act(Instant start, Current now, Checked checked) throws Exception {
        Herd herd = now.herd();
        Engine engine = now.engine();
        Set<String> unhealthy = checked.unhealthy();
        Set<String> quorumLost = checked.quorumLost();
        Planner.Options planning = Planner.Options.heal(unhealthy);
        Map<String, Health> known = knownHealth(checked.health());
        // With no server decided unhealthy, a plan without the lock finds out whether there is anything to do at all
        // (a crashed create to clean up, say); with one, there is, and the plan that counts is the one under the lock.
        Plan plan = unhealthy.isEmpty() ? engine.plan(planning, known, checked.listing()) : null;
        if (plan != null && !plan.hasChanges()) {
            lastLockHolder = null;
            return passed(start, checked, List.of(), null, quorumLost, null);
        }
        StateLock lock;
        try {
            lock = store.lock("heal");
        } catch (LockHeldException e) {
            String holder = e.holder().describe();
            if (!holder.equals(lastLockHolder)) {
                emit(HealEvent.of(HealEvent.Kind.LOCKED, null, null, null, "the state is locked by " + holder + "; waiting for it to finish"));
            }
            lastLockHolder = holder;
            return passed(start, checked, List.of(), null, quorumLost, holder);
        }
        lastLockHolder = null;
        try (lock) {
            // Reality, or the state (an apply that got in first), may have moved while we waited for the lock.
            State locked = store.read().orElse(null);
            if (locked == null || locked.destroyed() || !current(locked).key().equals(now.key())) {
                return passed(start, checked, List.of(), null, quorumLost, null);
            }
            plan = prepare(herd, engine.plan(planning, known), quorumLost, clock.instant());
            List<Change> acting = plan.changes().stream().filter(c -> !c.isNoOp()).toList();
            if (acting.isEmpty()) {
                return passed(start, checked, List.of(), null, quorumLost, null);
            }
            announce(acting, checked);
            ApplyResult result;
            try {
                result = engine.apply(plan);
            } finally {
                decisions.clear();
            }
            for (ApplyResult.Failure failure : result.failures()) {
                if (failure.cause() instanceof QuorumLostException q) {
                    quorumLost = new HashSet<>(quorumLost);
                    quorumLost.add(q.cluster());
                    emit(HealEvent.of(HealEvent.Kind.QUORUM_LOST, q.cluster(), null, null, q.getMessage()));
                }
            }
            return passed(start, checked, acting, result, quorumLost, null);
        }
    }

    /** Says what heal is about to do and why, with how long detection took; remembers each decision for the apply's events. */
    private void announce(List<Change> acting, Checked checked) {
        Instant decided = clock.instant();
        for (Change c : acting) {
            String server = c.before() == null ? null : c.before().name();
            Instant first = server == null ? null : checked.firstFailure().get(server);
            HealEvent detected = HealEvent.of(HealEvent.Kind.DETECTED, c.cluster(), c.resource(), server,
                    c.action().verb() + " (" + c.reason().text() + ")" + detail(checked.health().get(server)));
            if (first != null) {
                Duration detection = Duration.between(first, decided);
                metrics.detected(c.cluster(), detection);
                detected = detected.took(detection);
            }
            emit(detected);
            decisions.put(c.resource(), new Decision(decided, c));
        }
    }

    private HealPass passed(Instant start, Checked checked, List<Change> acted, ApplyResult result, Set<String> quorumLost, String lockedBy) {
        return new HealPass(start, Duration.between(start, clock.instant()), checked.health(), checked.unhealthy(), acted, result,
                quorumLost, lockedBy, null);
    }

    /**
     * The herd heal acts on: the one the last apply recorded in the state (parsed from its recorded source), or the herd
     * file when no apply recorded one yet. A new engine (with the state's current PKI) whenever either changes.
     */
    private synchronized Current current(State state) throws ConfigException {
        String key = state == null ? "file" : (state.applied() == null ? "file" : state.applied().digest()) + "/" + state.secrets().hashCode();
        if (current != null && current.key().equals(key)) {
            return current;
        }
        Herd herd = fileHerd;
        if (state != null && state.applied() != null) {
            try {
                herd = new HerdLoader(providers.values()).parse(new HerdSource(state.applied().text(), state.applied().localFiles()), fileHerd.file());
            } catch (ConfigException e) {
                // The applied herd no longer reads with this drover (a provider gone?): keep healing with the file.
                emit(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "cannot read the herd as last applied ("
                        + e.problems().get(0) + "); healing with the herd file instead"));
            }
        }
        if (herd != fileHerd) {
            herd = appliedImages.apply(herd, state);
        }
        Engine engine = new Engine(herd, providers.values(), store, environment, this::onEngineEvent,
                new Engine.Settings(options.parallelism(), options.membershipDeadline()).forHeal());
        HealthProbe probe;
        try {
            probe = engine.healthProbe(); // with each etcd cluster's client certificate when it runs TLS
        } catch (io.drover.state.StateException e) {
            engine.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (current != null) {
            current.close();
        }
        current = new Current(key, herd, engine, probe, new HealthChecks(probe));
        return current;
    }

    /**
     * Slots that no recorded server fills: those of the applied herd, and those the herd file (as heal read it at
     * start) has beyond it, such as a cluster grown from 3 to 5 and not applied yet. Heal creates neither; said once
     * per slot.
     */
    private void reportUnfilled(Herd applied, State state) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (Herd h : List.of(applied, fileHerd)) {
            h.clusters().values().forEach(c -> sizes.merge(c.name(), c.size(), Math::max));
        }
        sizes.forEach((cluster, size) -> {
            int appliedSize = applied.clusters().containsKey(cluster) ? applied.clusters().get(cluster).size() : 0;
            for (int slot = 0; slot < size; slot++) {
                SlotAddress address = new SlotAddress(cluster, slot);
                boolean filled = state.cluster(cluster).stream().anyMatch(r -> r.slot() == address.slot());
                if (!filled && reportedUnfilled.add(address.toString())) {
                    emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, cluster, address.toString(), null, slot < appliedSize
                            ? "no server is recorded for this slot; heal does not create servers, run 'drover apply'"
                            : "this slot is in the herd file but was never applied; heal does not create servers, run 'drover apply'"));
                } else if (filled) {
                    reportedUnfilled.remove(address.toString());
                }
            }
        });
    }

    /** The health heal checked this pass, by instance id, so the plan does not probe the same servers again. */
    private static Map<String, Health> knownHealth(Map<String, ServerHealth> health) {
        Map<String, Health> known = new HashMap<>();
        for (ServerHealth s : health.values()) {
            if (s.instance() != null && !s.starting()) {
                known.put(s.instance().id(), s.health());
            }
        }
        return known;
    }

    /**
     * Adapts the engine's plan to healing: leaves alone etcd clusters without quorum and slots still in backoff.
     */
    private Plan prepare(Herd herd, Plan plan, Set<String> quorumLost, Instant now) {
        Set<String> hold = new HashSet<>(quorumLost);
        for (Change c : plan.changes()) {
            if (c.isNoOp() || c.action() == Action.ADOPT || c.action() == Action.AWAIT) {
                continue;
            }
            Optional<Duration> wait = tracker.backoff(c.resource(), now);
            if (wait.isPresent() && hold.add(c.cluster())) {
                emit(HealEvent.of(HealEvent.Kind.BACKOFF, c.cluster(), c.resource(), c.before() == null ? null : c.before().name(),
                        "replaced recently; waiting " + String.format("%.1f", wait.get().toMillis() / 1000.0) + " s before replacing it again"));
            }
        }
        List<Change> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c.action() == Action.AWAIT) {
                continue; // a server still starting: a later pass adopts it once healthy, or replaces it after its start timeout
            }
            if (hold.contains(c.cluster()) && !c.isNoOp() && c.action() != Action.ADOPT) {
                continue; // nothing for this cluster this pass, but recording a member found healthy changes nothing out there
            }
            changes.add(c);
        }
        return plan.withChanges(changes);
    }

    /**
     * Etcd clusters where too few members are up for any membership change to be safe. A member counts as down only
     * once heal has decided so (it is gone, or failed {@code failures} checks in a row): one slow check at start-up is
     * not a lost quorum; and the alarm waits out an election ({@link QuorumWatch}). Said once when it happens and once
     * when it is over.
     */
    private Set<String> quorumLost(Herd herd, Map<String, ServerHealth> health, Set<String> unhealthy, Instant now) {
        Set<String> lost = new LinkedHashSet<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.role() != Role.ETCD) {
                continue;
            }
            // A server never seen healthy is not counted (it may be a learner, or never have started), unless it
            // answers now: then it is a member that a killed run was still waiting for, and it votes.
            List<ServerHealth> members = HealthChecks.ofCluster(health, c.name()).stream()
                    .filter(s -> !s.record().tainted() || s.health().isUp()).toList();
            long down = members.stream().filter(s -> !s.starting() && unhealthy.contains(s.name())).count();
            boolean tooFewUp = !members.isEmpty() && members.size() - down < members.size() / 2 + 1;
            QuorumWatch.Verdict v = quorumWatch.observe(c.name(), tooFewUp, QuorumWatch.electionGrace(c), now);
            metrics.quorumLost(c.name(), v.alarmed());
            if (v.holds()) {
                lost.add(c.name());
            }
            if (v == QuorumWatch.Verdict.LOST) {
                // Said as the members answer: a survivor without a leader answers (503), it is only not healthy.
                long answering = members.stream().filter(ServerHealth::reachable).count();
                emit(HealEvent.of(HealEvent.Kind.QUORUM_LOST, c.name(), c.name(), null, "etcd cluster '" + c.name() + "' has lost quorum: "
                        + answering + " of " + members.size() + " members answer" + (answering > members.size() - down ? " (without a leader)" : "")
                        + ". Drover will not change its membership"
                        + " (that could lose data); restore it from a snapshot, see docs/disaster-recovery.md"));
            } else if (v == QuorumWatch.Verdict.REGAINED) {
                emit(HealEvent.of(HealEvent.Kind.RECOVERED, c.name(), c.name(), null, "etcd cluster '" + c.name() + "' has quorum again"));
            }
        }
        return lost;
    }

    /** Engine events during an apply: passed on, and a finished replacement closes its slot's heal timer. */
    private void onEngineEvent(Event e) {
        Decision d = decisions.get(e.resource());
        String cluster = d == null ? null : d.change().cluster();
        switch (e) {
            case Event.Finished f when d != null && (f.action() == Action.REPLACE || f.action() == Action.CREATE) -> {
                Duration took = Duration.between(d.at(), clock.instant());
                metrics.healed(cluster, took);
                metrics.replaced(cluster, d.change().reason().name().toLowerCase());
                tracker.replaced(f.resource(), clock.instant());
                String old = d.change().before() == null ? "" : d.change().before().name() + " replaced by ";
                emit(new HealEvent(clock.instant(), HealEvent.Kind.HEALED, cluster, f.resource(), f.server(),
                        old + f.server() + ", healthy", took));
            }
            case Event.Failed f -> emit(HealEvent.of(HealEvent.Kind.FAILED, cluster, f.resource(), null, f.action().verb() + " failed: " + f.message()));
            case Event.Started s -> emit(HealEvent.of(HealEvent.Kind.STEP, cluster, s.resource(), s.server(),
                    s.action().verb() + (s.server() == null ? "" : " " + s.server()) + " (" + s.reason() + ")"));
            case Event.Progress p -> emit(HealEvent.of(HealEvent.Kind.STEP, cluster, p.resource(), null, p.message()));
            case Event.Finished f -> emit(HealEvent.of(HealEvent.Kind.STEP, cluster, f.resource(), f.server(), f.action().verb() + " done"));
            case Event.Skipped s -> emit(HealEvent.of(HealEvent.Kind.STEP, cluster, s.resource(), null, "skipped: " + s.because()));
            case Event.Note n -> emit(HealEvent.of(HealEvent.Kind.STEP, cluster, n.resource(), null, n.message()));
        }
    }

    private static HealEvent event(HealEvent.Kind kind, ServerHealth s, String message) {
        return HealEvent.of(kind, s.record().cluster(), s.record().resource(), s.name(), message);
    }

    private static String detail(ServerHealth s) {
        return s == null || s.health().isUp() ? "" : ": " + s.health().detail();
    }

    private void emit(HealEvent e) {
        listener.on(e);
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
