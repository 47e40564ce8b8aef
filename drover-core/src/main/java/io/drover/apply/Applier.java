package io.drover.apply;

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
import io.drover.plan.Reason;
import io.drover.roles.Role;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out a plan. Changes become steps in a graph: clusters in dependency order, replacements rolling
 * ({@code maxUnavailable} at a time, one at a time for etcd), each replacement create-before-destroy while
 * the old server still runs. Steps run in parallel up to {@code parallelism}; the state is saved after
 * every step, so an interrupted apply is finished by running it again.
 */
public final class Applier {
    private final Provider provider;
    private final StateKeeper keeper;
    private final EventSink events;
    private final Map<String, Role> roles;
    private final Launcher launcher;
    private final HealthProbe health;
    private final int parallelism;
    private final Map<String, Integer> generations = new ConcurrentHashMap<>();
    private Map<String, ClusterTemplate> templates = Map.of();
    /** Servers the plan found dead: never counted as live members, whatever the state says. */
    private Set<String> dead = Set.of();

    public Applier(Provider provider, StateKeeper keeper, EventSink events, Map<String, Role> roles, Launcher launcher,
            HealthProbe health, int parallelism) {
        this.provider = provider;
        this.keeper = keeper;
        this.events = events;
        this.roles = Map.copyOf(roles);
        this.launcher = launcher;
        this.health = health;
        this.parallelism = parallelism;
    }

    /** One node of the apply graph. */
    private sealed interface Step permits ChangeStep, EnsureCluster, DestroyCluster, AwaitHealthy {
        String resource();

        Action action();
    }

    private record ChangeStep(Change change, Role.Bootstrap bootstrap) implements Step {
        public String resource() {
            return change.resource();
        }

        public Action action() {
            return change.action();
        }
    }

    private record EnsureCluster(ClusterTemplate template) implements Step {
        public String resource() {
            return template.name();
        }

        public Action action() {
            return Action.CREATE;
        }
    }

    private record DestroyCluster(String cluster) implements Step {
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
    }

    public ApplyResult apply(Plan plan) throws Exception {
        templates = plan.clusters();
        dead = plan.changes().stream().filter(c -> c.before() != null && !c.beforeAlive())
                .map(c -> c.before().name()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        plan.prior().servers().forEach(this::noteGeneration);
        // The refreshed state first: adopted servers and newly generated secrets are recorded before any step.
        keeper.update(s -> plan.prior());
        Graph<Step> graph = buildGraph(plan);
        Map<Step, Walker.Outcome> outcomes = new Walker<Step>(parallelism).walk(graph, this::run);
        List<String> failures = new ArrayList<>();
        int done = 0;
        int skipped = 0;
        for (Map.Entry<Step, Walker.Outcome> e : outcomes.entrySet()) {
            Step step = e.getKey();
            switch (e.getValue()) {
                case Walker.Done d -> done++;
                case Walker.Failed f -> {
                    String message = message(f.error());
                    failures.add(step.resource() + ": " + message);
                    events.emit(new Event.Failed(step.resource(), step.action(), message));
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
            List<Change> changes = plan.changesOf(template.name()).stream().filter(c -> !c.isNoOp() && c.action() != Action.ADOPT).toList();
            List<Step> steps = new ArrayList<>();
            stepsOfCluster.put(template.name(), steps);
            if (changes.isEmpty()) {
                continue;
            }
            Role role = roles.get(template.name());
            boolean creates = changes.stream().anyMatch(c -> c.action() != Action.DELETE);
            Step ensure = null;
            if (creates) {
                ensure = new EnsureCluster(template);
                graph.add(ensure);
                steps.add(ensure);
            }
            // Clean-up first: duplicates and records of vanished servers.
            List<Step> cleanups = new ArrayList<>();
            for (Change c : changes) {
                if (c.action() == Action.DELETE && (c.reason() == Reason.DUPLICATE || c.reason() == Reason.MISSING)) {
                    Step s = new ChangeStep(c, null);
                    graph.add(s);
                    cleanups.add(s);
                    steps.add(s);
                }
            }
            List<Change> launches = changes.stream().filter(c -> c.action() == Action.CREATE || c.action() == Action.REPLACE).toList();
            boolean bootstrap = role.serialMembershipChanges() && !launches.isEmpty()
                    && launches.stream().allMatch(c -> c.action() == Action.CREATE)
                    && aliveCount(plan, template.name()) == 0;
            Role.Bootstrap members = bootstrap ? reserve(template, launches) : null;
            boolean serial = role.serialMembershipChanges();
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
            if (members != null && launches.size() > 1) {
                Step await = new AwaitHealthy(template);
                chain.forEach(s -> graph.connect(await, s));
                steps.add(await);
            }
            // Scale-down last, after replacements, so the cluster never shrinks below what it needs.
            Step previous = null;
            for (Change c : changes) {
                if (c.action() == Action.DELETE && c.reason() != Reason.DUPLICATE && c.reason() != Reason.MISSING) {
                    Step s = new ChangeStep(c, null);
                    graph.add(s);
                    chain.forEach(x -> graph.connect(s, x));
                    if (serial && previous != null) {
                        graph.connect(s, previous);
                    }
                    previous = s;
                    steps.add(s);
                }
            }
        }
        // Removed clusters (or all of them, on destroy): delete their servers, then their cluster resources.
        for (String cluster : plan.removedClusters()) {
            List<Step> steps = stepsOfCluster.computeIfAbsent(cluster, k -> new ArrayList<>());
            Step destroyCluster = new DestroyCluster(cluster);
            graph.add(destroyCluster);
            for (Change c : plan.changesOf(cluster)) {
                if (c.action() == Action.DELETE) {
                    Step s = new ChangeStep(c, null);
                    graph.connect(destroyCluster, s);
                    steps.add(s);
                }
            }
            steps.add(destroyCluster);
        }
        // Cluster dependencies: a dependent cluster's steps wait for its dependencies' steps; on destroy, reversed.
        for (ClusterTemplate t : plan.clusters().values()) {
            for (String dep : t.cluster().dependsOn()) {
                for (Step mine : stepsOfCluster.getOrDefault(t.name(), List.of())) {
                    for (Step theirs : stepsOfCluster.getOrDefault(dep, List.of())) {
                        graph.connect(mine, theirs);
                    }
                }
            }
        }
        return graph;
    }

    private static long aliveCount(Plan plan, String cluster) {
        return plan.changesOf(cluster).stream().filter(c -> c.before() != null && c.beforeAlive()).count();
    }

    /** Reserves every new member's endpoint up front, so each member's config can list all of them. */
    private Role.Bootstrap reserve(ClusterTemplate template, List<Change> launches) throws ProviderException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Change c : launches) {
            String name = nextName(c);
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
        return new Role.Bootstrap(endpoints);
    }

    // ---- the steps -----------------------------------------------------------------------------------------

    private void run(Step step) throws Exception {
        switch (step) {
            case EnsureCluster e -> {
                Cluster c = e.template().cluster();
                Role role = roles.get(c.name());
                List<Integer> ports = new ArrayList<>(role.ports());
                if (c.health().port() > 0) {
                    ports.add(c.health().port());
                }
                provider.ensureCluster(new ClusterRequest(c.name(), c.antiAffinity(), ports, c.providerOptions(),
                        Map.of(Tags.HERD, keeper.current().herd(), Tags.CLUSTER, c.name())));
            }
            case DestroyCluster d -> provider.destroyCluster(d.cluster());
            case AwaitHealthy a -> {
                for (ServerRecord r : keeper.current().cluster(a.template().name())) {
                    awaitHealthy(a.template(), r);
                }
            }
            case ChangeStep s -> runChange(s.change(), s.bootstrap());
        }
    }

    private void runChange(Change change, Role.Bootstrap bootstrap) throws Exception {
        Instant start = Instant.now();
        ServerRecord before = change.before();
        events.emit(new Event.Started(change.resource(), change.action(), before == null ? null : before.name(), change.reason().text()));
        String created = null;
        switch (change.action()) {
            case CREATE -> created = launch(change, bootstrap).name();
            case REPLACE -> {
                if (change.beforeAlive()) {
                    created = launch(change, null).name(); // create before destroy
                    retire(change, before);
                } else {
                    retire(change, before); // the old one is dead: free its membership first
                    created = launch(change, null).name();
                }
            }
            case DELETE -> retire(change, before);
            default -> {}
        }
        events.emit(new Event.Finished(change.resource(), change.action(), created != null ? created : before == null ? null : before.name(),
                Duration.between(start, Instant.now())));
    }

    private ServerRecord launch(Change change, Role.Bootstrap bootstrap) throws Exception {
        ClusterTemplate template = requireTemplate(change);
        Role role = roles.get(change.cluster());
        String name = bootstrap != null ? bootstrapName(bootstrap, change) : nextName(change);
        // The server being replaced still counts: it stays a member until its replacement is healthy.
        List<ServerRecord> live = liveMembers(change.cluster(), null);
        List<ServerRecord> recorded = keeper.current().cluster(change.cluster());
        LaunchRequest request = new LaunchRequest(change.cluster(), name, template.image(), template.cluster().providerOptions(),
                tags(template, change),
                endpoint -> {
                    try {
                        return launcher.userData(template, endpoint, change.slot(), role.join(endpoint, live, bootstrap, recorded), keeper.current());
                    } catch (ProviderException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new ProviderException(message(e), e);
                    }
                });
        events.emit(new Event.Progress(change.resource(), "creating " + name));
        Instance instance = provider.create(request);
        ServerRecord record = new ServerRecord(change.resource(), change.cluster(), change.slot(), generationOf(name), name,
                instance.id(), instance.ip(), template.digest(), template.image().digest(), instance.createdAt() == null ? Instant.now() : instance.createdAt(),
                true, Map.of());
        keeper.update(s -> s.with(record)); // tainted until healthy: a crash now means "replace it" next time
        if (bootstrap != null && role.serialMembershipChanges()) {
            // Start members one after another: the next one only once this one's peer port answers. Only with etcd
            // health checks: a user who chose another type (e.g. 'process') does not want TCP probes sent.
            if (template.cluster().health().type() == HealthCheck.Type.ETCD) {
                awaitPort(change, instance.ip(), role.ports().get(role.ports().size() - 1), template.cluster().health().startTimeout());
            }
            if (bootstrap.members().size() > 1) {
                return record; // the cluster's health is awaited once every member runs
            }
        }
        awaitHealthy(template, record);
        return record;
    }

    private void retire(Change change, ServerRecord before) throws Exception {
        Role role = roles.getOrDefault(change.cluster(), Role.PLAIN);
        boolean clusterLivesOn = change.reason() != Reason.DESTROY && change.reason() != Reason.CLUSTER_REMOVED;
        if (clusterLivesOn) {
            events.emit(new Event.Progress(change.resource(), "removing " + before.name() + " from its cluster"));
            role.leave(before, liveMembers(change.cluster(), before));
        }
        events.emit(new Event.Progress(change.resource(), "destroying " + before.name()));
        provider.destroy(before.instanceId());
        keeper.update(s -> s.without(before.name()));
    }

    private void awaitHealthy(ClusterTemplate template, ServerRecord record) throws Exception {
        Cluster cluster = template.cluster();
        Instant deadline = Instant.now().plus(cluster.health().startTimeout());
        events.emit(new Event.Progress(record.resource(), "waiting for " + record.name() + " to become healthy"));
        Health last = null;
        Instance probe = new Instance(record.instanceId(), record.name(), record.ip(), Instance.Status.RUNNING, Map.of(), record.createdAt());
        while (Instant.now().isBefore(deadline)) {
            last = health.check(cluster, probe);
            if (last.isUp()) {
                keeper.update(s -> s.server(record.name()).map(r -> s.with(r.tainted(false))).orElse(s));
                return;
            }
            Thread.sleep(Math.min(200, cluster.health().interval().toMillis()));
        }
        throw new ProviderException(record.name() + " did not become healthy within " + cluster.health().startTimeout().toSeconds()
                + " s (last check: " + (last == null ? "none" : last.detail()) + "); it stays recorded as tainted and the next apply replaces it");
    }

    private void awaitPort(Change change, String ip, int port, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!HealthProbe.answers(ip, port, Duration.ofMillis(200))) {
            if (Instant.now().isAfter(deadline)) {
                throw new ProviderException("nothing answers on " + ip + ":" + port + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Servers of the cluster that run and stay: everything recorded except the one leaving and tainted ones. */
    private List<ServerRecord> liveMembers(String cluster, ServerRecord leaving) {
        Set<String> exclude = leaving == null ? Set.of() : Set.of(leaving.name());
        return keeper.current().cluster(cluster).stream()
                .filter(r -> !exclude.contains(r.name()) && !dead.contains(r.name()))
                .filter(r -> !r.tainted())
                .toList();
    }

    // ---- naming ----------------------------------------------------------------------------------------------

    private void noteGeneration(ServerRecord r) {
        generations.merge(r.resource(), r.generation(), Math::max);
    }

    private String nextName(Change change) {
        int g = generations.merge(change.resource(), 1, Integer::sum);
        return change.cluster() + "-" + change.slot() + "-" + g;
    }

    private static String bootstrapName(Role.Bootstrap bootstrap, Change change) {
        String prefix = change.cluster() + "-" + change.slot() + "-";
        return bootstrap.members().stream().map(Endpoint::name).filter(n -> n.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no reservation for " + change.resource()));
    }

    private static int generationOf(String name) {
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private Map<String, String> tags(ClusterTemplate template, Change change) {
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.HERD, keeper.current().herd());
        tags.put(Tags.CLUSTER, change.cluster());
        tags.put(Tags.RESOURCE, change.resource());
        tags.put(Tags.DIGEST, template.digest());
        tags.put(Tags.IMAGE_DIGEST, template.image().digest());
        return tags;
    }

    private ClusterTemplate requireTemplate(Change change) {
        ClusterTemplate t = templates.get(change.cluster());
        if (t == null) {
            throw new IllegalStateException("no template for cluster " + change.cluster());
        }
        return t;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
