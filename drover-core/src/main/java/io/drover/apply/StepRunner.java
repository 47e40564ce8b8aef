package io.drover.apply;

import io.drover.config.Cluster;
import io.drover.config.HealthCheck;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.roles.ClusterMismatchException;
import io.drover.roles.ClusterRole;
import io.drover.spi.Capability;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Failures;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Limits;
import io.drover.spi.Placement;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import io.drover.state.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the steps of one apply: provider calls (retried when they fail retryably), membership changes through the
 * cluster's role, and the state written through after each. One per {@link ApplyRun}.
 */
final class StepRunner {
    private final ApplySettings settings;
    private final ApplyRun run;
    private final HealthWaiter health;
    private final Pools pools;
    private final StateKeeper keeper;
    private final EventSink events;

    StepRunner(ApplySettings settings, ApplyRun run) {
        this.settings = settings;
        this.run = run;
        this.pools = new Pools(settings);
        this.health = new HealthWaiter(settings, pools);
        this.keeper = settings.keeper();
        this.events = settings.events();
    }

    void run(Step step) throws Exception {
        switch (step) {
            case Step.EnsureCluster e -> {
                Cluster c = e.template().cluster();
                List<Integer> ports = new ArrayList<>(settings.role(c.name()).ports());
                if (c.health().port() > 0) {
                    ports.add(c.health().port());
                }
                ClusterRequest request = new ClusterRequest(c.name(), c.antiAffinity(), ports, c.providerOptions(),
                        Map.of(Tags.HERD, keeper.current().herd(), Tags.CLUSTER, c.name()));
                Provider provider = settings.providers().get(e.template().provider());
                keeper.beforeAction(c.name(), "set up cluster " + c.name());
                settings.retrying(() -> {
                    provider.ensureCluster(request);
                    return null;
                });
                // Servers this apply takes away are left as they are: their own steps (which may run meanwhile) drain them.
                pools.ensure(e.template(), keeper.current().cluster(c.name()),
                        run.liveMembers(keeper.current().cluster(c.name()), null).stream().map(ServerRecord::name)
                                .filter(name -> !run.going(name)).collect(java.util.stream.Collectors.toSet()),
                        run::going);
            }
            case Step.DestroyCluster d -> {
                // First: clients see a closed port, not a pool of servers going away. Not a load balancer that stays
                // where it is while the cluster it serves moved away from that provider (its own 'provider:').
                if (run.templateOf(d.cluster()).map(t -> !Pools.home(t).equals(d.provider())).orElse(true)) {
                    pools.delete(d.cluster(), d.provider());
                }
                Provider provider = settings.providers().get(d.provider());
                keeper.beforeAction(d.cluster(), "tear down cluster " + d.cluster());
                settings.retrying(() -> {
                    provider.destroyCluster(d.cluster());
                    return null;
                });
            }
            case Step.DeleteLoadBalancer d -> {
                events.emit(new Event.Progress(d.cluster(), "deleting the load balancer of " + d.cluster() + " on provider '" + d.provider() + "'"));
                pools.delete(d.cluster(), d.provider());
            }
            case Step.Reserve r -> run.reserved(r, reserve(r.template(), r.launches()));
            case Step.AwaitHealthy a -> {
                if (run.bootstrap(a.reserve()) != null) { // else each member was awaited as it launched
                    for (ServerRecord r : keeper.current().cluster(a.template().name())) {
                        health.awaitHealthy(a.template(), r);
                    }
                }
            }
            case Step.Verify v -> verify(v.template());
            case Step.ChangeStep s -> runChange(s.change(), run.bootstrap(s.reserve()));
        }
    }

    private void runChange(Change change, ClusterRole.Bootstrap bootstrap) throws Exception {
        Instant start = settings.clock().instant();
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
            case PROMOTE -> created = promote(change).name();
            case AWAIT -> {
                // Healthy, a server a killed run created counts from now on like any member.
                health.awaitStarting(run.template(change), before);
                run.serving(before.name());
            }
            default -> {}
        }
        events.emit(new Event.Finished(change.resource(), change.action(), created != null ? created : before == null ? null : before.name(),
                Duration.between(start, settings.clock().instant())));
    }

    /**
     * Reserves every new member's endpoint up front, so each member's config can list all of them; empty when the
     * provider cannot reserve (what it did reserve is given back, and the cluster grows one member at a time).
     */
    private Optional<ClusterRole.Bootstrap> reserve(ClusterTemplate template, List<Change> launches) throws Exception {
        if (!settings.providers().capabilities(template.provider()).contains(Capability.RESERVATIONS)) {
            return Optional.empty();
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Provider provider = settings.providers().get(template.provider());
        for (Change c : launches) {
            String name = run.names().next(c).toString();
            Map<String, String> tags = tags(template, c);
            Placement placement = placement(template, c);
            Optional<Endpoint> e = settings.retrying(() -> provider.reserve(template.name(), name, tags, placement));
            if (e.isEmpty()) {
                for (Endpoint reserved : endpoints) {
                    settings.retrying(() -> {
                        provider.release(reserved.name());
                        return null;
                    });
                }
                return Optional.empty();
            }
            endpoints.add(e.get());
        }
        return Optional.of(new ClusterRole.Bootstrap(endpoints));
    }

    /**
     * Where the change's server goes; with the address of the slot's destroyed predecessor when there is one and the
     * provider can keep addresses (a provider that cannot is not asked).
     */
    private Placement placement(ClusterTemplate template, Change change) {
        Placement placement = new Placement(change.slot(), template.cluster().size(), template.cluster().antiAffinity());
        if (!settings.providers().capabilities(template.provider()).contains(Capability.PREFERRED_ADDRESSES)) {
            return placement;
        }
        return settings.predecessor(change.resource()).map(Predecessor::address).map(placement::preferring).orElse(placement);
    }

    /**
     * Creates the slot's next server and waits until it serves.
     *
     * @param replacing the record of a server already destroyed that the new one takes the place of, or null
     */
    private ServerRecord launch(Change change, ClusterRole.Bootstrap bootstrap, ServerRecord replacing) throws Exception {
        ClusterTemplate template = run.template(change);
        ClusterRole role = settings.role(change.cluster());
        String name = bootstrap != null ? ServerNames.reserved(bootstrap, change) : run.names().next(change).toString();
        // A server being replaced create-first still counts: it stays a member until its replacement serves.
        List<ServerRecord> live = liveMembers(change.cluster(), replacing);
        List<ServerRecord> recorded = keeper.current().cluster(change.cluster()).stream()
                .filter(r -> replacing == null || !r.name().equals(replacing.name())).toList();
        ClusterRole.Peers peers = new ClusterRole.Peers(live, bootstrap, recorded);
        Limits limits = settings.providers().limits(template.provider());
        LaunchRequest request = new LaunchRequest(change.cluster(), name, template.image(), template.cluster().providerOptions(),
                tags(template, change),
                endpoint -> {
                    UserData rendered;
                    try {
                        rendered = settings.launcher().userData(template, endpoint, change.slot(),
                                JoinNotice.join(events, change, name, role, endpoint, peers), keeper.current());
                    } catch (ProviderException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new JoinFailedException(e);
                    }
                    // Checked here, the first moment its size is known, before the provider hands it to the cloud.
                    Optional<String> tooLarge = limits.userDataProblem(rendered.content().length);
                    if (tooLarge.isPresent()) {
                        throw new ProviderException("server " + name + " of cluster '" + change.cluster() + "': " + tooLarge.get()
                                + "; move large files out of first_boot (into the image: drover bake), or use a provider that takes"
                                + " larger user data");
                    }
                    return rendered;
                },
                placement(template, change));
        events.emit(new Event.Progress(change.resource(), "creating " + name));
        Instance instance;
        try {
            Provider provider = settings.providers().get(template.provider());
            keeper.beforeAction(change.resource(), "create " + name);
            instance = settings.retrying(() -> provider.create(request));
        } catch (ProviderException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof JoinFailedException join) {
                    throw join.cause(); // the role refused (quorum lost, nothing to join): its own typed failure
                }
            }
            throw e;
        }
        boolean spare = template.cluster().isSpareSlot(change.slot());
        ServerRecord record = new ServerRecord(change.resource(), change.cluster(), change.slot(), ServerNames.generationOf(name), name,
                instance.id(), instance.ip(), template.digest(), template.image().digest(),
                instance.createdAt() == null ? settings.clock().instant() : instance.createdAt(), true, Map.of(), template.provider(),
                instance.accessIp(), spare);
        // Tainted until healthy: a crash now means "check it, and replace it unless it serves" next time.
        keeper.update(s -> (replacing == null ? s : s.without(replacing.name())).with(record));
        if (bootstrap != null && role.serialMembershipChanges()) {
            // Start members one after another: the next one only once this one's peer port answers. Only with etcd
            // health checks: a user who chose another type (e.g. 'process') does not want TCP probes sent.
            if (template.cluster().health().type() == HealthCheck.Type.ETCD) {
                health.awaitPort(instance.ip(), role.ports().get(role.ports().size() - 1), template.cluster().health().startTimeout());
            }
            if (bootstrap.members().size() > 1) {
                return record; // the cluster's health is awaited once every member runs
            }
        }
        if (!live.isEmpty() && !spare) {
            events.emit(new Event.Progress(change.resource(), "admitting " + name + " to its cluster"));
        }
        if (!spare) { // a spare stays a learner (etcd) until it takes a member's place
            keeper.beforeAction(change.resource(), "admit " + name);
            role.admit(record, live);
        }
        health.awaitHealthy(template, record, role, live);
        return record;
    }

    /**
     * The cluster's spare takes the place of the slot's failed server: the spare is promoted first (etcd: the learner
     * votes; plain: it joins the pool), so the cluster is at full strength as soon as that one call is done; then the
     * failed one leaves the load balancer and its cluster (quorum permitting, as any removal) and is destroyed; only
     * then does the state record the spare in the slot. An etcd cluster of three with one dead member takes the
     * promotion: four voters, three of them up, still a majority, and the removal after leaves three of three.
     *
     * <p>Every step is idempotent, so a run cut off anywhere is finished by the next plan, which finds the failed
     * server's record still in the slot and the spare still in its own (a learner, or a voter once promoted; see
     * {@code SparePlanning}).
     */
    private ServerRecord promote(Change change) throws Exception {
        ServerRecord failed = change.before();
        ClusterTemplate template = run.template(change);
        ServerRecord spare = change.spare() != null ? change.spare() : recordedSpare(template);
        events.emit(new Event.Progress(change.resource(), "promoting the spare " + spare.name()));
        keeper.beforeAction(change.resource(), "promote " + spare.name());
        settings.role(change.cluster()).promote(spare, liveMembers(change.cluster(), failed));
        // A live member from now on: a spare found voting (a promotion cut off before it was recorded, or heal's fast
        // path) is unsound to the plan, and a member joining after this (the new spare) would drop it from the cluster.
        run.serving(spare.name());
        ServerRecord promoted = spare.promotedTo(change.slot());
        pools.join(template, promoted); // into the pool before the record says it serves, as for any new server
        events.emit(new Event.Progress(change.resource(), "the spare " + spare.name() + " serves in " + failed.name() + "'s place"));
        retire(change, failed, false);
        keeper.update(s -> s.without(failed.name()).without(spare.name()).with(promoted));
        return promoted;
    }

    /** In a roll through the spare: the spare the step before made, as the state records it in the cluster's first spare slot. */
    private ServerRecord recordedSpare(ClusterTemplate template) {
        int slot = template.cluster().size();
        return keeper.current().cluster(template.name()).stream().filter(r -> r.slot() == slot && r.spare()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no spare recorded in " + template.name() + "[" + slot + "] to promote"));
    }

    /** Carries a role's failure out of the provider's user-data callback, which may only throw ProviderException. */
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
        // Out of the load balancer first, so that no request reaches a server that leaves its cluster or stops.
        Optional<ClusterTemplate> template = run.templateOf(change.cluster());
        if (template.isPresent()) {
            pools.leave(template.get(), before, run.unsound(before.name()));
        }
        if (change.leaveCluster()) {
            events.emit(new Event.Progress(change.resource(), "removing " + before.name() + " from its cluster"));
            keeper.beforeAction(change.resource(), "remove " + before.name() + " from its cluster");
            settings.role(change.cluster()).leave(before, liveMembers(change.cluster(), before));
        }
        events.emit(new Event.Progress(change.resource(), "destroying " + before.name()));
        Providers providers = settings.providers();
        Provider provider = providers.get(before.providerOr(providers.first()));
        keeper.beforeAction(change.resource(), "destroy " + before.name());
        settings.retrying(() -> {
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
        List<ServerRecord> recorded = keeper.current().cluster(template.name());
        events.emit(new Event.Progress(template.name(), "checking that the cluster's members are its " + recorded.size() + " recorded servers"));
        keeper.beforeAction(template.name(), "reconcile the members of " + template.name()); // may remove or promote members
        try {
            settings.role(template.name()).verify(recorded);
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
            if (settings.wholeCluster() || r.tainted()) {
                health.awaitHealthy(template, r);
            }
        }
    }

    private List<ServerRecord> liveMembers(String cluster, ServerRecord leaving) {
        return run.liveMembers(keeper.current().cluster(cluster), leaving);
    }

    private Map<String, String> tags(ClusterTemplate template, Change change) {
        return ServerTags.of(keeper.current().herd(), keeper.current().lineage(), template, change);
    }
}
