package io.drover.engine;

import io.drover.apply.Applier;
import io.drover.apply.ApplyResult;
import io.drover.apply.EventSink;
import io.drover.apply.Launcher;
import io.drover.apply.StateKeeper;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Output;
import io.drover.config.Template;
import io.drover.health.HealthProbe;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Identity;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.render.FirstBoot;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import io.drover.roles.EtcdPki;
import io.drover.roles.EtcdRole;
import io.drover.roles.Role;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.UserData;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One herd, its provider and its state, wired together for one command: refresh + plan, apply, outputs.
 * The engine never knows which cloud it talks to; it only sees the {@link Provider} SPI.
 */
public final class Engine implements AutoCloseable {

    /** Engine knobs a command may set. */
    public record Settings(int parallelism, Duration membershipDeadline) {
        public static final Settings DEFAULT = new Settings(10, Duration.ofSeconds(60));
    }

    private final Herd herd;
    private final ProviderFactory factory;
    private final StateStore store;
    private final Map<String, String> environment;
    private final EventSink events;
    private final Settings settings;
    private Provider provider;
    /** Each TLS etcd cluster's PKI: from the state, or generated for a cluster applied for the first time. */
    private final Map<String, EtcdPki> pkis = new HashMap<>();

    public Engine(Herd herd, ProviderFactory factory, StateStore store, Map<String, String> environment, EventSink events, Settings settings) {
        this.herd = herd;
        this.factory = factory;
        this.store = store;
        this.environment = Map.copyOf(environment);
        this.events = events;
        this.settings = settings;
    }

    /** Where a herd keeps its local files: {@code .drover/} next to the herd file. */
    public static Path workDir(Herd herd) {
        return herd.directory().resolve(".drover");
    }

    public Herd herd() {
        return herd;
    }

    public synchronized Provider provider() throws ProviderException {
        if (provider == null) {
            provider = factory.open(new ProviderContext(herd.name(), herd.provider().settings(), workDir(herd), environment));
        }
        return provider;
    }

    /** The recorded state, or an empty one for a herd never applied. */
    public State state() throws StateException {
        State state = store.read().orElseGet(() -> State.empty(herd.name()));
        if (!state.herd().equals(herd.name()) && !state.isEmpty()) {
            throw new StateException("the state at " + store.describe() + " belongs to herd '" + state.herd()
                    + "', not '" + herd.name() + "' (rename the herd back, or use another directory)");
        }
        return state;
    }

    /** Refreshes against reality and plans. */
    public Plan plan(Planner.Options options) throws ProviderException, StateException {
        State state = withPki(state());
        Map<String, ClusterTemplate> templates = options.destroy() ? Map.of() : templates();
        return new Planner().plan(herd, templates, state, provider().list(), options);
    }

    /**
     * The state with every TLS etcd cluster's PKI in its secrets: loaded from them, or generated now (and saved
     * with the first step of the next apply).
     */
    private synchronized State withPki(State state) {
        Map<String, String> secrets = new HashMap<>(state.secrets());
        for (Cluster c : herd.clusters().values()) {
            if (c.role() == io.drover.config.Role.ETCD && c.etcd().tls()) {
                EtcdPki pki = pkis.computeIfAbsent(c.name(), name -> EtcdPki.fromSecrets(state.secrets(), name)
                        .orElseGet(() -> EtcdPki.generate(herd.name(), name)));
                secrets = EtcdPki.clearSecrets(secrets, c.name());
                secrets.putAll(pki.toSecrets(c.name()));
            }
        }
        return secrets.equals(state.secrets()) ? state : state.withSecrets(secrets);
    }

    /** Where a TLS etcd cluster is in a CA rotation. */
    public synchronized EtcdPki.Phase caPhase(String cluster) throws StateException {
        EtcdPki pki = requirePki(cluster);
        return pki.phase();
    }

    /**
     * Starts a CA rotation of a cluster (or, when one is under way, moves it to its next phase once every member
     * runs the current one). The state is written at once; the caller holds the state lock. Each phase changes
     * every member's identity, so the next apply replaces them all, rolling.
     */
    public synchronized EtcdPki.Phase rotateCa(String cluster, boolean advance) throws StateException {
        EtcdPki pki = requirePki(cluster);
        EtcdPki next = advance ? pki.advance() : pki.startRotation(herd.name(), cluster);
        State state = state();
        Map<String, String> secrets = EtcdPki.clearSecrets(withPki(state).secrets(), cluster);
        secrets.putAll(next.toSecrets(cluster));
        store.write(state.withSecrets(secrets).nextSerial());
        pkis.put(cluster, next);
        return next.phase();
    }

    private EtcdPki requirePki(String cluster) throws StateException {
        Cluster c = herd.clusters().get(cluster);
        EtcdPki pki = c == null ? null : pki(c);
        if (pki == null) {
            throw new StateException("cluster '" + cluster + "' is not an etcd cluster with TLS, so it has no CA to rotate");
        }
        return pki;
    }

    /** The PKI of a cluster, or null if it runs without TLS. */
    private EtcdPki pki(Cluster c) {
        if (c.role() != io.drover.config.Role.ETCD || !c.etcd().tls()) {
            return null;
        }
        synchronized (this) {
            if (!pkis.containsKey(c.name())) {
                try {
                    withPki(state());
                } catch (StateException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            return pkis.get(c.name());
        }
    }

    /** A health probe that holds the client identity of every TLS cluster (for apply and heal). */
    public HealthProbe healthProbe() {
        Map<String, javax.net.ssl.SSLContext> tls = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            EtcdPki pki = pki(c);
            if (pki != null) {
                tls.put(c.name(), pki.clientContext());
            }
        }
        return new HealthProbe(tls);
    }

    /** Each cluster's image, resolved once, and identity digest. */
    public Map<String, ClusterTemplate> templates() throws ProviderException {
        Map<String, Image> images = new HashMap<>();
        Map<String, ClusterTemplate> templates = new LinkedHashMap<>();
        for (Cluster c : herd.clusters().values()) {
            Image image = images.get(c.image());
            if (image == null) {
                image = provider().resolveImage(c.image());
                images.put(c.image(), image);
            }
            EtcdPki pki = pki(c);
            // The CA is part of every member's identity: a new CA means new members, rolled one at a time.
            Map<String, String> extra = pki == null ? Map.of() : pki.identity();
            templates.put(c.name(), new ClusterTemplate(c, image, Identity.digest(herd, c, image, extra)));
        }
        return templates;
    }

    public ApplyResult apply(Plan plan) throws Exception {
        StateKeeper keeper = new StateKeeper(store, plan.prior());
        Map<String, Role> roles = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            roles.put(c.name(), role(c));
        }
        try (HealthProbe probe = healthProbe()) {
            Applier applier = new Applier(provider(), keeper, events, roles, launcher(), probe, settings.parallelism());
            ApplyResult result = applier.apply(plan);
            if (result.ok()) {
                sweep(keeper.current());
            }
            writeClientFiles();
            State withOutputs = keeper.update(s -> s.withOutputs(outputs(s)));
            return new ApplyResult(withOutputs, result.done(), result.failures(), result.skipped());
        }
    }

    /**
     * Has the provider delete leftovers of interrupted runs (a port made just before a crash) that belong to no
     * recorded server. Call it under the state lock, when no create of this herd is under way.
     */
    public void sweep(State state) throws ProviderException {
        provider().sweep(state.servers().stream().map(io.drover.state.ServerRecord::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    /** Writes each TLS cluster's client files under .drover/pki/ for users and tools (etcdctl). */
    public void writeClientFiles() throws java.io.IOException {
        for (Cluster c : herd.clusters().values()) {
            EtcdPki pki = pki(c);
            if (pki != null) {
                pki.writeClientFiles(EtcdPki.clientFiles(workDir(herd), c.name()).ca().getParent());
            }
        }
    }

    /** The role of a cluster (public for the heal reconciler, which drives the same membership changes). */
    public Role role(Cluster c) {
        return switch (c.role()) {
            case PLAIN -> Role.PLAIN;
            case ETCD -> new EtcdRole(herd.name(), c, settings.membershipDeadline(), pki(c));
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

    /**
     * What one server boots with, for {@code drover render}. A recorded server is rendered with its own name and
     * address; a slot not yet applied gets a preview identity (its first name, a documentation address from
     * 192.0.2.0/24). Etcd members are rendered as if the whole cluster were being created, so rendering needs
     * no network and gives the same bytes every time.
     *
     * @param server a server name ({@code etcd-0-1}) or slot ({@code etcd[0]}); null for the first slot
     * @param format null for the form the cluster's image reads ({@code userData:})
     */
    public byte[] render(String server, Format format, IgnitionVersion version) throws Exception {
        State state = state();
        Cluster cluster = null;
        int slot = 0;
        Endpoint self = null;
        var recorded = server == null ? java.util.Optional.<io.drover.state.ServerRecord>empty() : state.server(server);
        if (recorded.isPresent()) {
            cluster = herd.clusters().get(recorded.get().cluster());
            slot = recorded.get().slot();
            self = new Endpoint(recorded.get().name(), recorded.get().ip());
        } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z][a-z0-9-]*)\\[(\\d+)]").matcher(server == null ? "" : server);
            if (server == null) {
                cluster = herd.clusters().values().iterator().next();
            } else if (m.matches()) {
                cluster = herd.clusters().get(m.group(1));
                slot = Integer.parseInt(m.group(2));
            }
            if (cluster == null || slot >= cluster.size()) {
                throw new IllegalArgumentException("no server or slot '" + server + "' in herd '" + herd.name()
                        + "' (give a recorded server name, see 'drover show', or a slot like "
                        + herd.clusters().keySet().iterator().next() + "[0])");
            }
            self = previewEndpoint(cluster, slot);
        }
        FirstBoot roleAdditions = FirstBoot.EMPTY;
        if (cluster.role() == io.drover.config.Role.ETCD) {
            java.util.List<Endpoint> members = new java.util.ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                members.add(i == slot ? self : previewEndpoint(cluster, i));
            }
            roleAdditions = ((EtcdRole) role(cluster)).preview().join(self, java.util.List.of(), new Role.Bootstrap(members), java.util.List.of());
        }
        var scope = TemplateScope.server(herd, cluster, self, slot, state);
        FirstBoot resolved = cluster.firstBoot().mapStrings(s -> Template.resolve(s, scope)).plus(roleAdditions);
        Format chosen = format != null ? format
                : cluster.userData() == Cluster.UserDataFormat.CLOUD_INIT ? Format.CLOUD_INIT : Format.IGNITION;
        return switch (chosen) {
            case IGNITION -> new IgnitionRenderer(version).render(resolved);
            case CLOUD_INIT -> new io.drover.render.cloudinit.CloudInitRenderer().render(resolved);
        };
    }

    private static Endpoint previewEndpoint(Cluster cluster, int slot) {
        return new Endpoint(cluster.name() + "-" + slot + "-1", "192.0.2." + (10 + slot % 240));
    }

    /** The herd's outputs computed from a state. */
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

    @Override
    public synchronized void close() {
        if (provider != null) {
            provider.close();
            provider = null;
        }
    }
}
