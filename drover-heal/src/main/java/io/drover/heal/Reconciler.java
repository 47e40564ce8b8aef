package io.drover.heal;

import io.drover.apply.ApplyResult;
import io.drover.config.Cluster;
import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.config.HerdSource;
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
import io.drover.state.Election;
import io.drover.state.LeadershipLostException;
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
 *
 * <p>Just over 400 lines: what is left is the loop itself (leading or following, passes, leader tasks, stopping);
 * the judgements it makes were moved out ({@code QuorumJudge}, {@code UnfilledSlots}, {@code HealPlanning},
 * {@code AppliedHerd}, {@code HealNarrator}, {@code HealLeadership}).
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
    /** What heal acts on now: the herd as last applied, with its engine and probe; rebuilt when an apply changes it. */
    private final AppliedHerd applied;
    private String lastLockHolder;
    private String lastIdle;
    private final UnfilledSlots unfilled;
    private final QuorumJudge quorum;
    private final HealNarrator narrator;
    private final SparesFirst sparesFirst;
    private HealLeadership leadership;
    private final List<LeaderTask> leaderTasks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How often a follower looks whether the lead is free. */
    private static final Duration FOLLOWER_POLL = Duration.ofMillis(200);

    /** How long after heal starts a timed-out check of a server not yet seen healthy does not count (see HealthTracker). */
    private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(10);

    /**
     * @param herd the herd file as it was when heal started: used until an apply has recorded its source in the state
     * @param providers every installed provider: the applied herd may name another one than the file
     */

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
        this.unfilled = new UnfilledSlots(herd, listener);
        this.quorum = new QuorumJudge(metrics, listener);
        this.narrator = new HealNarrator(listener, metrics, tracker, clock);
        this.sparesFirst = new SparesFirst(store, listener, tracker);
        this.applied = new AppliedHerd(herd, this.providers.values(), store, this.environment,
                new Engine.Settings(options.parallelism(), options.membershipDeadline()).forHeal(), narrator::onEngineEvent, listener);
        this.leadership = HealLeadership.alone(listener, metrics);
    }

    /**
     * Runs {@link #run()} as one replica among several: passes only while it leads the election (see
     * docs/heal.md, "Several replicas"), watching otherwise. Without this, the loop acts alone (heal --once, tests).
     */
    public Reconciler electedBy(Election election) {
        this.leadership = new HealLeadership(election, listener, metrics);
        return this;
    }

    /** Adds work that only the leader does, after each of its passes (a scheduled backup, say). */
    public Reconciler whileLeading(LeaderTask task) {
        leaderTasks.add(task);
        return this;
    }

    /**
     * Whether this replica holds a term now (always, without an election), without asking the store: for leader-only
     * work on other threads, which stops once this turns false.
     */
    public boolean leadsNow() {
        return leadership.holdsTerm();
    }

    /** Steps down at once, if leading (SIGTERM, Ctrl-C): another replica takes over without waiting out the lease. */
    public void resign() {
        leadership.resign();
    }

    /**
     * Sets how a herd parsed from the state's recorded source gets its baked images: each {@code ${images.NAME}}
     * becomes the stored image the recorded servers were created from (heal keeps what was applied, and the current
     * digest of an image may differ from it). The default leaves the herd as parsed.
     */
    public Reconciler withAppliedImages(java.util.function.BiFunction<Herd, State, Herd> images) {
        applied.withAppliedImages(images);
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
                    if (leadership.leading()) {
                        pass();
                        runLeaderTasks();
                    } else {
                        leadership.follow(store.healRoster().leader());
                        // A follower only watches for the lead to be free: often, so a resignation is taken over within
                        // a fraction of a second; each try is one small etcd transaction.
                        stop.await(FOLLOWER_POLL.toNanos(), TimeUnit.NANOSECONDS);
                        continue;
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (LeadershipLostException e) {
                    leadership.deposed(e); // stop at once: not one more action under a term that may be someone else's
                    continue;
                } catch (Exception e) {
                    // A provider or state hiccup must not end the loop: say so and try again next pass.
                    emit(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "pass failed: " + Failures.message(e)));
                }
                long elapsed = System.nanoTime() - started;
                long wait = Math.max(10_000_000L, interval().toNanos() - elapsed);
                stop.await(wait, TimeUnit.NANOSECONDS);
            }
        } finally {
            leadership.close();
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
        return applied.herd();
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
        AppliedHerd.Current now = current(state);
        // While another run holds the state lock (an operator's apply), the servers it replaces fail checks and its
        // slots are briefly empty by design: heal keeps counting, but does not report them as problems.
        boolean othersAtWork = store.lockHolder().isPresent();
        Checked checked = check(now, state, othersAtWork);
        if (!othersAtWork) {
            unfilled.report(now.herd(), state);
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
    private Checked check(AppliedHerd.Current now, State state, boolean quiet) throws Exception {
        Herd herd = now.herd();
        // One listing per pass, reused by the plan; a cloud is asked at most once per its refresh interval.
        Engine.Listing listing = now.engine().recentList();
        Map<String, ServerHealth> health = now.checks().checkAll(herd, state, listing.instances());
        Instant checked = clock.instant();

        Set<String> unhealthy = new LinkedHashSet<>();
        Map<String, Instant> firstFailure = new HashMap<>();
        for (ServerHealth s : health.values()) {
            Cluster cluster = herd.clusters().get(s.record().cluster());
            if (s.starting() || stillStarting(s, cluster, checked) || HealthChecks.spareInUnsettledCluster(s, cluster, health)) {
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
        return new Checked(listing, health, unhealthy, firstFailure, quorum.lost(herd, health, unhealthy, checked));
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
    private HealPass act(Instant start, AppliedHerd.Current now, Checked checked) throws Exception {
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
            // A spare takes a failed etcd member's place before the plan's refresh of reality: the plan then finishes
            // that promotion (see SparesFirst), as it would one a crash cut off.
            Instant decided = clock.instant();
            sparesFirst.promote(herd, engine, locked, checked.health(), unhealthy, quorumLost, decided);
            plan = HealPlanning.prepare(engine.plan(planning, known), quorumLost, tracker, listener, clock.instant());
            List<Change> acting = plan.changes().stream().filter(c -> !c.isNoOp()).toList();
            if (acting.isEmpty()) {
                return passed(start, checked, List.of(), null, quorumLost, null);
            }
            narrator.announce(acting, checked.firstFailure(), checked.health(), decided);
            ApplyResult result;
            try {
                result = engine.apply(plan);
            } finally {
                narrator.done();
            }
            for (ApplyResult.Failure failure : result.failures()) {
                if (failure.cause() instanceof LeadershipLostException lost) {
                    throw lost; // the rest of this pass must not go on either
                }
                if (failure.cause() instanceof QuorumLostException q) {
                    quorumLost = new HashSet<>(quorumLost);
                    quorumLost.add(q.cluster());
                    emit(HealEvent.of(HealEvent.Kind.QUORUM_LOST, q.cluster(), null, null, q.getMessage()));
                }
            }
            return passed(start, checked, acting, result, quorumLost, null);
        }
    }

    private void runLeaderTasks() throws LeadershipLostException {
        for (LeaderTask task : leaderTasks) {
            Optional<Election.Term> term = leadership.term();
            if (term.isEmpty()) {
                return;
            }
            try {
                term.get().ensureSafe();
                task.run(term.get());
            } catch (LeadershipLostException e) {
                throw e;
            } catch (Exception e) {
                emit(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "leader task failed: " + Failures.message(e)));
            }
        }
    }

    private HealPass passed(Instant start, Checked checked, List<Change> acted, ApplyResult result, Set<String> quorumLost, String lockedBy) {
        return new HealPass(start, Duration.between(start, clock.instant()), checked.health(), checked.unhealthy(), acted, result,
                quorumLost, lockedBy, null);
    }

    private AppliedHerd.Current current(State state) throws ConfigException {
        return applied.current(state);
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

    private static HealEvent event(HealEvent.Kind kind, ServerHealth s, String message) {
        return HealEvent.of(kind, s.record().cluster(), s.record().resource(), s.name(), message);
    }

    private void emit(HealEvent e) {
        listener.on(e);
    }

    @Override
    public synchronized void close() {
        applied.close();
    }
}
