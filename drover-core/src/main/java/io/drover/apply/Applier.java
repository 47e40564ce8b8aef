package io.drover.apply;

import io.drover.addr.ServerName;
import io.drover.config.Cluster;
import io.drover.config.HealthCheck;
import io.drover.graph.Graph;
import io.drover.graph.Walker;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterMismatchException;
import io.drover.roles.ClusterRole;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Failures;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out a plan. Changes become steps in a graph: clusters in dependency order (reversed when clusters go),
 * leftovers cleaned up first, replacements rolling ({@code maxUnavailable} at a time, one at a time for etcd), each
 * replacement create-before-destroy while the old server still serves, and a last step that checks a membership
 * cluster is exactly what the state records. Steps run in parallel up to {@code parallelism}; the state is saved
 * after every step, so an interrupted apply is finished by running it again.
 */
public final class Applier {
    /**
     * How often a provider call that failed retryably (a timeout, a 503 the provider's own client gave up on, a create
     * of the same name still under way) is tried, in all, before its step fails. The SPI makes these calls idempotent
     * (a create adopts or rebuilds a server of its name, a destroy of a gone server is fine), so a retry never
     * duplicates anything. Jittered, so that steps that failed together do not retry together.
     */
    static final int PROVIDER_ATTEMPTS = 4;
    static final Backoff PROVIDER_BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8)).withJitter();
    /**
     * How long a server that joined a live cluster may take to become healthy before its role is asked whether it is
     * stuck: an etcd member is promoted only once it has caught up, and by then it normally serves already.
     */
    static final Duration STUCK_AFTER = Duration.ofMillis(500);
    /** A join still waiting after this is said to wait. */
    static final Duration JOIN_NOTICE_AFTER = Duration.ofSeconds(1);

    private final Providers providers;
    private final StateKeeper keeper;
    private final EventSink events;
    private final Map<String, ClusterRole> roles;
    private final Map<String, List<String>> dependsOn;
    private final Launcher launcher;
    private final HealthProbe health;
    private final int parallelism;
    private final boolean wholeCluster;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Retry providerRetry;
    private final Map<String, Integer> generations = new ConcurrentHashMap<>();
    private Map<String, ClusterTemplate> templates = Map.of();
    /**
     * Servers the plan found not serving: never counted as live members, whatever the state says, unless this apply
     * saw them become healthy (a server it waited for).
     */
    private Set<String> unsound = Set.of();

    /**
     * @param dependsOn each cluster's dependencies (from the herd file): their steps come first, and last on destroy
     * @param wholeCluster the last step of a changed etcd cluster waits until every recorded member is healthy, not only
     *     the ones this apply made
     */
    public Applier(Providers providers, StateKeeper keeper, EventSink events, Map<String, ClusterRole> roles,
            Map<String, List<String>> dependsOn, Launcher launcher, HealthProbe health, int parallelism, boolean wholeCluster,
            Clock clock, Sleeper sleeper) {
        this.providers = providers;
        this.keeper = keeper;
        this.events = events;
        this.roles = Map.copyOf(roles);
        this.dependsOn = Map.copyOf(dependsOn);
        this.launcher = launcher;
        this.health = health;
        this.parallelism = parallelism;
        this.wholeCluster = wholeCluster;
        this.clock = clock;
        this.sleeper = sleeper;
        this.providerRetry = Retry.attempts(PROVIDER_ATTEMPTS, PROVIDER_BACKOFF).withTime(clock, sleeper);
    }

    /** One node of the apply graph. */
    private sealed interface Step permits ChangeStep, EnsureCluster, DestroyCluster, AwaitHealthy, Verify {
        String resource();

        Action action();

        String cluster();
    }

    private record ChangeStep(Change change, ClusterRole.Bootstrap bootstrap) implements Step {
        public String resource() {
            return change.resource();
        }

        public Action action() {
            return change.action();
        }

        public String cluster() {
            return change.cluster();
        }
    }

    private record EnsureCluster(ClusterTemplate template) implements Step {
        public String resource() {
            return template.name();
        }

        public Action action() {
            return Action.CREATE;
        }

        public String cluster() {
            return template.name();
        }
    }

    /** Removes a cluster's resources (server groups, security groups) from one provider. */
    private record DestroyCluster(String cluster, String provider) implements Step {
        public String resource() {
            return cluster;
        }

        public Action action() {
            return Action.DELETE;
        }
    }

    private record AwaitHealthy(ClusterTemplate template) implements Step {
        public String resource() {
            return template.name();
        }

        public Action action() {
            return Action.CREATE;
        }

        public String cluster() {
            return template.name();
        }
    }

    /** The last step of a membership cluster's changes: the cluster's members are exactly the recorded servers. */
    private record Verify(ClusterTemplate template) implements Step {
        public String resource() {
            return template.name();
        }

        public Action action() {
            return Action.NO_OP;
        }

        public String cluster() {
            return template.name();
        }
    }

    public ApplyResult apply(Plan plan) throws Exception {
        templates = plan.clusters();
        unsound = ConcurrentHashMap.newKeySet();
        unsound.addAll(plan.unsound());
        plan.prior().servers().forEach(this::noteGeneration);
        plan.changes().stream().filter(c -> c.before() != null).forEach(c -> noteGeneration(c.before()));
        // The refreshed state first: adopted servers and newly generated secrets are recorded before any step.
        keeper.update(s -> plan.prior());
        Graph<Step> graph = buildGraph(plan);
        Map<Step, Walker.Outcome> outcomes = new Walker<Step>(parallelism).walk(graph, this::run);
        List<ApplyResult.Failure> failures = new ArrayList<>();
        int done = 0;
        int skipped = 0;
        for (Map.Entry<Step, Walker.Outcome> e : outcomes.entrySet()) {
            Step step = e.getKey();
            switch (e.getValue()) {
                case Walker.Done d -> done++;
                case Walker.Failed f -> {
                    ApplyResult.Failure failure = new ApplyResult.Failure(step.resource(), step.cluster(), f.error());
                    failures.add(failure);
                    events.emit(new Event.Failed(step.resource(), step.action(), failure.message()));
                }
                case Walker.Skipped s -> {
                    skipped++;
                    events.emit(new Event.Skipped(step.resource(), step.action(), "an earlier step failed"));
                }
            }
        }
        return new ApplyResult(keeper.current(), done, failures, skipped);
    }

    // ---- the graph ----------------------------------------------------------------------------------------

    private Graph<Step> buildGraph(Plan plan) throws ProviderException {
        Graph<Step> graph = new Graph<>();
        Map<String, List<Step>> stepsOfCluster = new LinkedHashMap<>();
        for (ClusterTemplate template : plan.clusters().values()) {
            stepsOfCluster.put(template.name(), clusterSteps(graph, plan, template));
        }
        // Removed clusters (or all of them, on destroy): delete their servers, then their cluster resources everywhere.
        for (String cluster : plan.removedClusters()) {
            List<Step> steps = stepsOfCluster.computeIfAbsent(cluster, k -> new ArrayList<>());
            List<Step> deletes = new ArrayList<>();
            for (Change c : plan.changesOf(cluster)) {
                if (c.action() == Action.DELETE) {
                    Step s = new ChangeStep(c, null);
                    graph.add(s);
                    deletes.add(s);
                    steps.add(s);
                }
            }
            for (String provider : providers.names()) {
                Step destroyCluster = new DestroyCluster(cluster, provider);
                graph.add(destroyCluster);
                deletes.forEach(d -> graph.connect(destroyCluster, d));
                steps.add(destroyCluster);
            }
        }
        // Cluster dependencies: a dependent cluster's steps wait for its dependencies'; a cluster that goes waits for
        // its dependents to go first (the reverse order).
        Set<String> going = new HashSet<>(plan.removedClusters());
        for (Map.Entry<String, List<String>> e : dependsOn.entrySet()) {
            String dependent = e.getKey();
            for (String dependency : e.getValue()) {
                List<Step> mine = stepsOfCluster.getOrDefault(dependent, List.of());
                List<Step> theirs = stepsOfCluster.getOrDefault(dependency, List.of());
                boolean reverse = going.contains(dependent) && going.contains(dependency);
                for (Step a : mine) {
                    for (Step b : theirs) {
                        if (reverse) {
                            graph.connect(b, a);
                        } else {
                            graph.connect(a, b);
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** The steps of one cluster of the herd file: clean-up, the roll, the shrink, the membership check. */
    private List<Step> clusterSteps(Graph<Step> graph, Plan plan, ClusterTemplate template) throws ProviderException {
        List<Change> changes = plan.changesOf(template.name()).stream().filter(c -> !c.isNoOp() && c.action() != Action.ADOPT).toList();
        List<Step> steps = new ArrayList<>();
        // A cluster that moved left its resources (a server group, a security group) on the old provider: they go last.
        List<Step> strays = new ArrayList<>();
        for (Plan.StrayCluster stray : plan.strays()) {
            if (stray.cluster().equals(template.name())) {
                Step leave = new DestroyCluster(stray.cluster(), stray.provider());
                graph.add(leave);
                strays.add(leave);
            }
        }
        if (changes.isEmpty()) {
            steps.addAll(strays);
            return steps;
        }
        ClusterRole role = roles.getOrDefault(template.name(), ClusterRole.PLAIN);
        boolean serial = role.serialMembershipChanges();
        Step ensure = null;
        if (changes.stream().anyMatch(c -> c.action() != Action.DELETE)) {
            ensure = new EnsureCluster(template);
            graph.add(ensure);
            steps.add(ensure);
        }
        // Clean-up first: duplicates, failed creates and records of vanished servers (one at a time for membership).
        List<Step> cleanups = chain(graph, changes.stream().filter(c -> c.stage() == Change.Stage.CLEANUP).toList(), null, serial, steps);
        List<Change> launches = changes.stream().filter(c -> c.stage() == Change.Stage.ROLL).toList();
        // Not while servers of a killed run are still starting: the new ones join them once they serve.
        boolean awaiting = changes.stream().anyMatch(c -> c.action() == Action.AWAIT);
        boolean bootstrap = serial && !launches.isEmpty() && launches.stream().allMatch(c -> c.action() == Action.CREATE)
                && soundServers(plan, template.name()) == 0 && !awaiting;
        ClusterRole.Bootstrap members = bootstrap ? reserve(template, launches) : null;
        boolean allNew = launches.stream().allMatch(c -> c.action() == Action.CREATE);
        int batch = serial ? 1 : allNew ? Integer.MAX_VALUE : Math.max(1, template.cluster().maxUnavailable());
        List<Step> chain = new ArrayList<>();
        for (Change c : launches) {
            Step s = new ChangeStep(c, members);
            graph.add(s);
            if (ensure != null) {
                graph.connect(s, ensure);
            }
            cleanups.forEach(x -> graph.connect(s, x));
            if (chain.size() >= batch) {
                graph.connect(s, chain.get(chain.size() - batch));
            }
            chain.add(s);
            steps.add(s);
        }
        List<Step> before = new ArrayList<>(cleanups);
        before.addAll(chain);
        if (members != null && launches.size() > 1) {
            Step await = new AwaitHealthy(template);
            chain.forEach(s -> graph.connect(await, s));
            steps.add(await);
            before.add(await);
        }
        // Scale-down last, after replacements, so the cluster never shrinks below what it needs.
        List<Step> shrink = chain(graph, changes.stream().filter(c -> c.stage() == Change.Stage.SHRINK).toList(), before, serial, steps);
        List<Step> all = new ArrayList<>(before);
        all.addAll(shrink);
        // Only when Drover can reach the members (etcd health checks): with 'process' health it cannot ask the cluster.
        if (serial && template.cluster().health().type() == HealthCheck.Type.ETCD) {
            Step verify = new Verify(template);
            graph.add(verify);
            all.forEach(x -> graph.connect(verify, x));
            steps.add(verify);
            all.add(verify);
        }
        strays.forEach(leave -> {
            all.forEach(x -> graph.connect(leave, x));
            steps.add(leave);
        });
        return steps;
    }

    /** Steps for changes that run after {@code after}, one after another when {@code serial}, else in parallel. */
    private static List<Step> chain(Graph<Step> graph, List<Change> changes, List<Step> after, boolean serial, List<Step> steps) {
        List<Step> made = new ArrayList<>();
        Step previous = null;
        for (Change c : changes) {
            Step s = new ChangeStep(c, null);
            graph.add(s);
            if (after != null) {
                after.forEach(x -> graph.connect(s, x));
            }
            if (serial && previous != null) {
                graph.connect(s, previous);
            }
            previous = s;
            made.add(s);
            steps.add(s);
        }
        return made;
    }

    /** Recorded servers of a cluster that serve (the plan found them sound). */
    private long soundServers(Plan plan, String cluster) {
        return plan.prior().cluster(cluster).stream().filter(r -> !unsound.contains(r.name()) && !r.tainted()).count();
    }

    /** Reserves every new member's endpoint up front, so each member's config can list all of them. */
    private ClusterRole.Bootstrap reserve(ClusterTemplate template, List<Change> launches) throws ProviderException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Change c : launches) {
            String name = nextName(c).toString();
            Provider provider = providers.get(template.provider());
            Optional<Endpoint> e = provider.reserve(template.name(), name, tags(template, c));
            if (e.isEmpty()) {
                // The provider cannot reserve: give back what it did reserve, and grow the cluster one member at a time.
                for (Endpoint reserved : endpoints) {
                    provider.release(reserved.name());
                }
                return null;
            }
            endpoints.add(e.get());
        }
        return new ClusterRole.Bootstrap(endpoints);
    }

    // ---- the steps -----------------------------------------------------------------------------------------

    private void run(Step step) throws Exception {
        switch (step) {
            case EnsureCluster e -> {
                Cluster c = e.template().cluster();
                ClusterRole role = roles.getOrDefault(c.name(), ClusterRole.PLAIN);
                List<Integer> ports = new ArrayList<>(role.ports());
                if (c.health().port() > 0) {
                    ports.add(c.health().port());
                }
                ClusterRequest request = new ClusterRequest(c.name(), c.antiAffinity(), ports, c.providerOptions(),
                        Map.of(Tags.HERD, keeper.current().herd(), Tags.CLUSTER, c.name()));
                Provider provider = providers.get(e.template().provider());
                retrying(() -> {
                    provider.ensureCluster(request);
                    return null;
                });
            }
            case DestroyCluster d -> {
                Provider provider = providers.get(d.provider());
                retrying(() -> {
                    provider.destroyCluster(d.cluster());
                    return null;
                });
            }
            case AwaitHealthy a -> {
                for (ServerRecord r : keeper.current().cluster(a.template().name())) {
                    awaitHealthy(a.template(), r);
                }
            }
            case Verify v -> verify(v.template());
            case ChangeStep s -> runChange(s.change(), s.bootstrap());
        }
    }

    private void runChange(Change change, ClusterRole.Bootstrap bootstrap) throws Exception {
        Instant start = clock.instant();
        ServerRecord before = change.before();
        events.emit(new Event.Started(change.resource(), change.action(), before == null ? null : before.name(), change.reason().text()));
        String created = null;
        switch (change.action()) {
            case CREATE -> created = launch(change, bootstrap, null).name();
            case REPLACE, MIGRATE -> {
                if (change.createFirst()) {
                    created = launch(change, null, null).name(); // create before destroy: the old one still serves
                    retire(change, before, true);
                } else {
                    // The old one goes first; its record stays until the new one is recorded in its place, so a crash in
                    // between leaves a slot the next run (or heal) still knows it must fill.
                    retire(change, before, false);
                    created = launch(change, null, before).name();
                }
            }
            case DELETE -> retire(change, before, true);
            case AWAIT -> awaitStarting(change);
            default -> {}
        }
        events.emit(new Event.Finished(change.resource(), change.action(), created != null ? created : before == null ? null : before.name(),
                Duration.between(start, clock.instant())));
    }

    /**
     * Creates the slot's next server and waits until it serves.
     *
     * @param replacing the record of a server already destroyed that the new one takes the place of, or null
     */
    private ServerRecord launch(Change change, ClusterRole.Bootstrap bootstrap, ServerRecord replacing) throws Exception {
        ClusterTemplate template = requireTemplate(change);
        ClusterRole role = roles.getOrDefault(change.cluster(), ClusterRole.PLAIN);
        String name = bootstrap != null ? bootstrapName(bootstrap, change) : nextName(change).toString();
        // A server being replaced create-first still counts: it stays a member until its replacement serves.
        List<ServerRecord> live = liveMembers(change.cluster(), replacing);
        List<ServerRecord> recorded = keeper.current().cluster(change.cluster()).stream()
                .filter(r -> replacing == null || !r.name().equals(replacing.name())).toList();
        ClusterRole.Peers peers = new ClusterRole.Peers(live, bootstrap, recorded);
        LaunchRequest request = new LaunchRequest(change.cluster(), name, template.image(), template.cluster().providerOptions(),
                tags(template, change),
                endpoint -> {
                    try {
                        return launcher.userData(template, endpoint, change.slot(), joinSaying(change, name, role, endpoint, peers),
                                keeper.current());
                    } catch (ProviderException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new JoinFailedException(e);
                    }
                });
        events.emit(new Event.Progress(change.resource(), "creating " + name));
        Instance instance;
        try {
            Provider provider = providers.get(template.provider());
            instance = retrying(() -> provider.create(request));
        } catch (ProviderException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof JoinFailedException join) {
                    throw join.cause(); // the role refused (quorum lost, nothing to join): its own typed failure
                }
            }
            throw e;
        }
        ServerRecord record = new ServerRecord(change.resource(), change.cluster(), change.slot(), generationOf(name), name,
                instance.id(), instance.ip(), template.digest(), template.image().digest(),
                instance.createdAt() == null ? clock.instant() : instance.createdAt(), true, Map.of(), template.provider());
        // Tainted until healthy: a crash now means "check it, and replace it unless it serves" next time.
        keeper.update(s -> (replacing == null ? s : s.without(replacing.name())).with(record));
        if (bootstrap != null && role.serialMembershipChanges()) {
            // Start members one after another: the next one only once this one's peer port answers. Only with etcd
            // health checks: a user who chose another type (e.g. 'process') does not want TCP probes sent.
            if (template.cluster().health().type() == HealthCheck.Type.ETCD) {
                awaitPort(instance.ip(), role.ports().get(role.ports().size() - 1), template.cluster().health().startTimeout());
            }
            if (bootstrap.members().size() > 1) {
                return record; // the cluster's health is awaited once every member runs
            }
        }
        if (!live.isEmpty()) {
            events.emit(new Event.Progress(change.resource(), "admitting " + name + " to its cluster"));
        }
        role.admit(record, live);
        awaitHealthy(template, record, role, live);
        return record;
    }

    /**
     * Waits for a server a killed run created, for what is left of its start timeout (a health interval at least, so
     * that a plan made just before the deadline still looks once): healthy, it counts from now on like any member.
     */
    private void awaitStarting(Change change) throws Exception {
        ClusterTemplate template = requireTemplate(change);
        ServerRecord record = change.before();
        HealthCheck check = template.cluster().health();
        Instant deadline = record.createdAt() == null ? clock.instant() : record.createdAt().plus(check.startTimeout());
        Duration left = Duration.between(clock.instant(), deadline);
        awaitHealthy(template, record, ClusterRole.PLAIN, List.of(), left.compareTo(check.interval()) < 0 ? check.interval() : left);
        unsound.remove(record.name());
    }

    /** A provider call, tried again after retryable failures (see {@link #PROVIDER_ATTEMPTS}); the last failure is thrown. */
    private <T> T retrying(Retry.Attempt<T, ProviderException> call) throws ProviderException, InterruptedException {
        return providerRetry.call(call, ProviderException::retryable);
    }

    /** Carries a role's failure out of the provider's user-data callback, which may only throw ProviderException. */
    /**
     * The role's join, with a progress line if joining a running cluster one change at a time (etcd) takes more than
     * {@link #JOIN_NOTICE_AFTER}: etcd refuses a new member until its leader has seen every voter active for 5 s
     * (strict-reconfig-check), so the create after a member just joined stalls that long, and a silent stall looks hung.
     */
    private io.drover.render.FirstBoot joinSaying(Change change, String name, ClusterRole role, Endpoint endpoint, ClusterRole.Peers peers)
            throws Exception {
        if (peers.bootstrap() != null || peers.live().isEmpty() || !role.serialMembershipChanges()) {
            return role.join(endpoint, peers);
        }
        var notice = java.util.concurrent.CompletableFuture.runAsync(() -> events.emit(new Event.Progress(change.resource(),
                "waiting for the cluster to accept " + name + ": etcd takes a new member only once its leader has seen every"
                        + " member active for 5 s (strict-reconfig-check)")),
                java.util.concurrent.CompletableFuture.delayedExecutor(JOIN_NOTICE_AFTER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        try {
            return role.join(endpoint, peers);
        } finally {
            notice.cancel(false);
        }
    }

    private static final class JoinFailedException extends ProviderException {
        private final Exception cause;

        JoinFailedException(Exception cause) {
            super(Failures.message(cause), cause);
            this.cause = cause;
        }

        Exception cause() {
            return cause;
        }
    }

    /**
     * Takes a server out: it leaves its cluster (when the cluster lives on and the change says so), is destroyed, and
     * its record goes (unless a replacement will take its place).
     */
    private void retire(Change change, ServerRecord before, boolean removeRecord) throws Exception {
        ClusterRole role = roles.getOrDefault(change.cluster(), ClusterRole.PLAIN);
        if (change.leaveCluster()) {
            events.emit(new Event.Progress(change.resource(), "removing " + before.name() + " from its cluster"));
            role.leave(before, liveMembers(change.cluster(), before));
        }
        events.emit(new Event.Progress(change.resource(), "destroying " + before.name()));
        Provider provider = providers.get(before.providerOr(providers.first()));
        retrying(() -> {
            provider.destroy(before.instanceId());
            return null;
        });
        if (removeRecord) {
            keeper.update(s -> s.without(before.name()));
        }
    }

    /**
     * The cluster's members must be exactly its recorded servers, all healthy. Servers the cluster does not count are
     * marked tainted (the next apply replaces them) and the step fails: an apply only succeeds with a whole cluster.
     */
    private void verify(ClusterTemplate template) throws Exception {
        ClusterRole role = roles.getOrDefault(template.name(), ClusterRole.PLAIN);
        List<ServerRecord> recorded = keeper.current().cluster(template.name());
        events.emit(new Event.Progress(template.name(), "checking that the cluster's members are its " + recorded.size() + " recorded servers"));
        try {
            role.verify(recorded);
        } catch (ClusterMismatchException e) {
            keeper.update(s -> {
                var next = s;
                for (String name : e.notMembers()) {
                    var r = next.server(name);
                    if (r.isPresent()) {
                        next = next.with(r.get().tainted(true));
                    }
                }
                return next;
            });
            throw e;
        }
        for (ServerRecord r : keeper.current().cluster(template.name())) {
            if (wholeCluster || r.tainted()) {
                awaitHealthy(template, r);
            }
        }
    }

    private void awaitHealthy(ClusterTemplate template, ServerRecord record) throws Exception {
        awaitHealthy(template, record, ClusterRole.PLAIN, List.of());
    }

    /**
     * Waits until the server answers its health check. A server that joined {@code live} members and is not healthy
     * after {@link #STUCK_AFTER} is looked at once by its role: if the role says it is stuck, its provider reboots it
     * (when it can do that quicker than the stall lasts).
     */
    private void awaitHealthy(ClusterTemplate template, ServerRecord record, ClusterRole role, List<ServerRecord> live) throws Exception {
        awaitHealthy(template, record, role, live, template.cluster().health().startTimeout());
    }

    private void awaitHealthy(ClusterTemplate template, ServerRecord record, ClusterRole role, List<ServerRecord> live, Duration patience)
            throws Exception {
        Cluster cluster = template.cluster();
        events.emit(new Event.Progress(record.resource(), "waiting for " + record.name() + " to become healthy"));
        Instance probe = new Instance(record.instanceId(), record.name(), record.ip(), Instance.Status.RUNNING, Map.of(), record.createdAt());
        Health[] last = {null};
        Instant lookAt = clock.instant().plus(STUCK_AFTER);
        boolean[] looked = {live.isEmpty()};
        Duration pause = Duration.ofMillis(Math.min(200, Math.max(10, cluster.health().interval().toMillis())));
        Optional<Health> up = Retry.until(patience, new Backoff(pause, pause, Backoff.Jitter.NONE))
                .withTime(clock, sleeper)
                .poll(() -> {
                    last[0] = health.check(cluster, probe);
                    if (last[0].isUp()) {
                        return Optional.of(last[0]);
                    }
                    if (!looked[0] && !clock.instant().isBefore(lookAt)) {
                        looked[0] = true;
                        unstick(role, record, live);
                    }
                    return Optional.empty();
                });
        if (up.isPresent()) {
            if (record.tainted() || keeper.current().server(record.name()).map(ServerRecord::tainted).orElse(false)) {
                keeper.update(s -> s.server(record.name()).map(r -> s.with(r.tainted(false))).orElse(s));
            }
            return;
        }
        throw new ServerNotHealthyException(record.name(), cluster.health().startTimeout(), last[0] == null ? "none" : last[0].detail());
    }

    /** Reboots a joined server that its role says is stuck, if its provider can; a failure to do so is only reported. */
    private void unstick(ClusterRole role, ServerRecord record, List<ServerRecord> live) throws InterruptedException {
        try {
            Optional<String> stuck = role.stuck(record, live);
            if (stuck.isPresent() && providers.get(record.providerOr(providers.first())).reboot(record.instanceId())) {
                events.emit(new Event.Progress(record.resource(), "restarted " + record.name() + ": " + stuck.get()));
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Waiting still ends the stall, only later: say why the shortcut was not taken, and go on waiting.
            events.emit(new Event.Note(record.resource(), "could not restart " + record.name() + ": " + Failures.message(e)));
        }
    }

    private void awaitPort(String ip, int port, Duration timeout) throws Exception {
        Optional<Boolean> answered = Retry.until(timeout, new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), Backoff.Jitter.NONE))
                .withTime(clock, sleeper)
                .poll(() -> HealthProbe.answers(ip, port, Duration.ofMillis(200)) ? Optional.of(true) : Optional.empty());
        if (answered.isEmpty()) {
            throw new ProviderException("nothing answers on " + ip + ":" + port + " after " + timeout.toSeconds() + " s");
        }
    }

    /** Servers of the cluster that run and stay: recorded, serving, not tainted, not the one leaving. */
    private List<ServerRecord> liveMembers(String cluster, ServerRecord leaving) {
        return keeper.current().cluster(cluster).stream()
                .filter(r -> leaving == null || !r.name().equals(leaving.name()))
                .filter(r -> !unsound.contains(r.name()) && !r.tainted())
                .toList();
    }

    // ---- naming ----------------------------------------------------------------------------------------------

    private void noteGeneration(ServerRecord r) {
        generations.merge(r.resource(), r.generation(), Math::max);
    }

    private ServerName nextName(Change change) {
        int g = generations.merge(change.resource(), 1, Integer::sum);
        return change.address().server(g);
    }

    private static String bootstrapName(ClusterRole.Bootstrap bootstrap, Change change) {
        return bootstrap.members().stream().map(Endpoint::name)
                .filter(n -> ServerName.parse(n).map(s -> s.slotAddress().equals(change.address())).orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no reservation for " + change.resource()));
    }

    private static int generationOf(String name) {
        return ServerName.parse(name).map(ServerName::generation).orElse(0);
    }

    private Map<String, String> tags(ClusterTemplate template, Change change) {
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.HERD, keeper.current().herd());
        tags.put(Tags.CLUSTER, change.cluster());
        tags.put(Tags.RESOURCE, change.resource());
        tags.put(Tags.DIGEST, template.digest());
        tags.put(Tags.IMAGE_DIGEST, template.image().digest());
        tags.put(Tags.LINEAGE, keeper.current().lineage());
        return tags;
    }

    private ClusterTemplate requireTemplate(Change change) {
        ClusterTemplate t = templates.get(change.cluster());
        if (t == null) {
            throw new IllegalStateException("no template for cluster " + change.cluster());
        }
        return t;
    }
}
