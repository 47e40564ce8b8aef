package io.drover.heal;

import io.drover.apply.ApplyResult;
import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.engine.Engine;
import io.drover.health.HealthProbe;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.plan.Reason;
import io.drover.spi.Instance;
import io.drover.spi.ProviderFactory;
import io.drover.state.LockHeldException;
import io.drover.state.State;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The loop behind {@code drover heal}. Each pass: refresh (ask the provider what runs), check every server's
 * health, decide (failed {@code failures} checks in a row, dead, drifted, missing), act through the same
 * plan/apply engine as {@code drover apply}, record. It holds the state lock only while it acts, so an
 * operator's apply can get in between passes; the engine saves the state after every step, so stopping between
 * passes (or crashing during one) never leaves a step unrecorded.
 */
public final class Reconciler implements AutoCloseable {
    private final Herd herd;
    private final StateStore store;
    private final Engine engine;
    private final HealthProbe probe;
    private final HealthChecks checks;
    private final HealthTracker tracker;
    private final HealMetrics metrics;
    private final HealListener listener;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Per slot being replaced in the current pass: when heal decided to, and why. */
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
    private String lastLockHolder;

    private record Decision(Instant at, Change change) {}

    public Reconciler(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, HealOptions options,
            HealMetrics metrics, HealListener listener) {
        this.herd = herd;
        this.store = store;
        this.metrics = metrics;
        this.listener = listener;
        this.engine = new Engine(herd, factory, store, environment, this::onEngineEvent,
                new Engine.Settings(options.parallelism(), options.membershipDeadline()));
        this.probe = engine.healthProbe(); // with each etcd cluster's client certificate when it runs TLS
        this.checks = new HealthChecks(probe);
        this.tracker = new HealthTracker(options.backoff());
    }

    public Engine engine() {
        return engine;
    }

    /** Runs passes until {@link #stop()} is called, one every cluster check interval (the shortest of them). */
    public void run() throws InterruptedException {
        emit(HealEvent.of(HealEvent.Kind.LIFECYCLE, null, null, null, "healing herd '" + herd.name() + "'"));
        try {
            while (stop.getCount() > 0) {
                long started = System.nanoTime();
                try {
                    pass();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // A provider or state hiccup must not end the loop: say so and try again next pass.
                    emit(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "pass failed: " + message(e)));
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
     * single check is not enough evidence (a server is replaced after {@code failures} in a row), so this takes up
     * to the largest {@code failures} of the herd's clusters, one check interval apart; dead servers go at once.
     */
    public HealPass once() throws Exception {
        int most = herd.clusters().values().stream().mapToInt(c -> c.health().failures()).max().orElse(1);
        HealPass last = null;
        for (int i = 0; i <= most; i++) {
            HealPass p = pass();
            last = p;
            boolean undecided = p.health().values().stream()
                    .anyMatch(s -> !s.starting() && !s.health().isUp() && !p.unhealthy().contains(s.name()));
            if (!undecided || p.lockedBy() != null || stop.getCount() == 0) {
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

    private Duration interval() {
        return herd.clusters().values().stream().map(c -> c.health().interval()).min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    }

    /** One pass: refresh, check, decide, act, record. */
    public HealPass pass() throws Exception {
        Instant start = Instant.now();
        metrics.pass();
        State state = engine.state();
        List<Instance> reality = engine.provider().list();
        Map<String, ServerHealth> health = checks.checkAll(herd, state, reality);
        Instant now = Instant.now();

        Set<String> unhealthy = new LinkedHashSet<>();
        Map<String, Instant> firstFailure = new HashMap<>();
        for (ServerHealth s : health.values()) {
            if (s.starting()) {
                continue;
            }
            Cluster cluster = herd.clusters().get(s.record().cluster());
            int before = tracker.run(s.name()).failures();
            HealthTracker.Verdict v = tracker.observe(s.name(), s.health(), cluster.health().failures(), s.gone(), now);
            if (v.unhealthy()) {
                unhealthy.add(s.name());
                firstFailure.put(s.name(), v.firstFailure());
            } else if (v.failures() == 1) {
                emit(event(HealEvent.Kind.FAILING, s, "failed a check: " + s.health().detail()));
            } else if (v.failures() == 0 && before > 0) {
                emit(event(HealEvent.Kind.RECOVERED, s, "healthy again after " + before + " failed check" + (before == 1 ? "" : "s")));
            }
        }
        tracker.retainServers(health.keySet());
        Set<String> quorumLost = quorumLost(health);
        for (Cluster c : herd.clusters().values()) {
            List<ServerHealth> servers = HealthChecks.ofCluster(health, c.name());
            metrics.servers(c.name(), (int) servers.stream().filter(s -> s.health().isUp()).count(), servers.size());
        }

        Planner.Options options = new Planner.Options(false, unhealthy);
        Plan plan = engine.plan(options);
        if (!plan.hasChanges()) {
            lastLockHolder = null;
            return new HealPass(start, Duration.between(start, Instant.now()), health, unhealthy, List.of(), null, quorumLost, null);
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
            return new HealPass(start, Duration.between(start, Instant.now()), health, unhealthy, List.of(), null, quorumLost, holder);
        }
        lastLockHolder = null;
        try (lock) {
            plan = prepare(engine.plan(options), quorumLost, Instant.now()); // reality may have moved while we waited
            List<Change> acting = plan.changes().stream().filter(c -> !c.isNoOp()).toList();
            if (acting.isEmpty()) {
                return new HealPass(start, Duration.between(start, Instant.now()), health, unhealthy, List.of(), null, quorumLost, null);
            }
            Instant decided = Instant.now();
            for (Change c : acting) {
                String server = c.before() == null ? null : c.before().name();
                Instant first = server == null ? null : firstFailure.get(server);
                HealEvent detected = HealEvent.of(HealEvent.Kind.DETECTED, c.cluster(), c.resource(), server,
                        c.action().verb() + " (" + c.reason().text() + ")" + detail(health.get(server)));
                if (first != null) {
                    Duration detection = Duration.between(first, decided);
                    metrics.detected(c.cluster(), detection);
                    detected = detected.took(detection);
                }
                emit(detected);
                decisions.put(c.resource(), new Decision(decided, c));
            }
            ApplyResult result;
            try {
                result = engine.apply(plan);
            } finally {
                decisions.clear();
            }
            for (String failure : result.failures()) {
                if (failure.contains("lost quorum")) {
                    String cluster = failure.substring(0, Math.max(0, failure.indexOf('['))).strip();
                    quorumLost = new HashSet<>(quorumLost);
                    quorumLost.add(cluster);
                    emit(HealEvent.of(HealEvent.Kind.QUORUM_LOST, cluster, null, null, failure));
                }
            }
            return new HealPass(start, Duration.between(start, Instant.now()), health, unhealthy, acting, result, quorumLost, null);
        }
    }

    /**
     * Adapts the engine's plan to healing: leaves alone etcd clusters without quorum and slots still in backoff,
     * and has an unhealthy etcd member removed before its replacement is added (a frozen member still "runs", but
     * etcd refuses to add a member while a voter is unreachable, and counting it would risk quorum).
     */
    private Plan prepare(Plan plan, Set<String> quorumLost, Instant now) {
        Set<String> hold = new HashSet<>(quorumLost);
        for (Change c : plan.changes()) {
            if (c.isNoOp() || c.action() == Action.ADOPT) {
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
            Cluster cluster = herd.clusters().get(c.cluster());
            if (hold.contains(c.cluster()) && !c.isNoOp()) {
                continue; // nothing for this cluster this pass
            }
            if (cluster != null && cluster.role() == Role.ETCD && c.action() == Action.REPLACE && c.reason() == Reason.UNHEALTHY && c.beforeAlive()) {
                c = new Change(c.action(), c.cluster(), c.slot(), c.reason(), c.before(), false, c.desiredDigest());
            }
            changes.add(c);
        }
        return new Plan(plan.herd(), plan.prior(), changes, plan.clusters(), plan.removedClusters(), plan.destroy());
    }

    /**
     * Etcd clusters whose reachable members are not a majority of the recorded ones. Changing their membership
     * could lose acknowledged writes, so heal only reports them, every pass, until a human restores quorum.
     */
    private Set<String> quorumLost(Map<String, ServerHealth> health) {
        Set<String> lost = new LinkedHashSet<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.role() != Role.ETCD) {
                continue;
            }
            List<ServerHealth> members = HealthChecks.ofCluster(health, c.name()).stream().filter(s -> !s.record().tainted()).toList();
            long reachable = members.stream().filter(ServerHealth::reachable).count();
            long starting = members.stream().filter(ServerHealth::starting).count();
            boolean isLost = !members.isEmpty() && reachable + starting < members.size() / 2 + 1;
            metrics.quorumLost(c.name(), isLost);
            if (isLost) {
                lost.add(c.name());
                emit(HealEvent.of(HealEvent.Kind.QUORUM_LOST, c.name(), c.name(), null, "etcd cluster '" + c.name() + "' has lost quorum: "
                        + reachable + " of " + members.size() + " members answer. Drover will not change its membership (that could lose"
                        + " data); restore it from a snapshot, see docs/disaster-recovery.md"));
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
                Duration took = Duration.between(d.at(), Instant.now());
                metrics.healed(cluster, took);
                metrics.replaced(cluster, d.change().reason().name().toLowerCase());
                tracker.replaced(f.resource(), Instant.now());
                String old = d.change().before() == null ? "" : d.change().before().name() + " replaced by ";
                emit(new HealEvent(Instant.now(), HealEvent.Kind.HEALED, cluster, f.resource(), f.server(),
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

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        probe.close();
        engine.close();
    }
}
