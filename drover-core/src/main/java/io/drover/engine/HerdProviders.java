package io.drover.engine;

import io.drover.apply.Providers;
import io.drover.config.Herd;
import io.drover.config.ProviderBlock;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The providers a herd declares, each opened from its installed factory on first use, and closed together. */
final class HerdProviders implements Providers, AutoCloseable {
    private final Herd herd;
    /** Installed provider factories by type: a herd may use several. */
    private final Map<String, ProviderFactory> factories = new HashMap<>();
    private final Map<String, String> environment;
    private final List<String> names;
    /** Providers opened so far, by name. */
    private final Map<String, Provider> opened = new LinkedHashMap<>();

    HerdProviders(Herd herd, Collection<? extends ProviderFactory> factories, Map<String, String> environment) {
        this.herd = herd;
        factories.forEach(f -> this.factories.put(f.type(), f));
        this.environment = Map.copyOf(environment);
        this.names = List.copyOf(herd.providers().keySet());
    }

    /** A provider of the herd by name ({@code null}: the first), opened on first use. */
    @Override
    public synchronized Provider get(String name) throws ProviderException {
        String n = name == null ? herd.provider().name() : name;
        Provider p = opened.get(n);
        if (p == null) {
            ProviderBlock block = herd.providers().get(n);
            if (block == null) {
                throw new ProviderException("the state records servers on provider '" + n + "', which the herd file no longer"
                        + " declares: declare it again (under 'providers:') until no server of the herd is left on it");
            }
            ProviderFactory f = factories.get(block.type());
            if (f == null) {
                throw new ProviderException("provider '" + n + "' is of type '" + block.type() + "', which is not installed");
            }
            try {
                p = f.open(new ProviderContext(herd.name(), block.settings(), Engine.workDir(herd), environment, n));
            } catch (ProviderException e) {
                throw named(n, e);
            }
            opened.put(n, p);
        }
        return p;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public Set<io.drover.spi.Capability> capabilities(String name) {
        ProviderFactory f = factoryOf(name);
        return f == null ? Set.of() : f.capabilities();
    }

    @Override
    public io.drover.spi.Limits limits(String name) {
        ProviderFactory f = factoryOf(name);
        return f == null ? io.drover.spi.Limits.NONE : f.limits();
    }

    /** The installed factory of the provider of this name ({@code null}: the first), or null when none is. */
    private ProviderFactory factoryOf(String name) {
        ProviderBlock block = herd.providers().get(name == null ? herd.provider().name() : name);
        return block == null ? null : factories.get(block.type());
    }

    /** A provider's failure, saying which provider it was (a herd may have several). */
    ProviderException named(String name, ProviderException e) {
        if (herd.providers().size() == 1) {
            return e;
        }
        return new ProviderException("provider '" + name + "' (" + herd.providers().get(name).type() + "): " + e.getMessage(),
                e.retryable(), e);
    }

    /**
     * Has each provider delete leftovers of interrupted runs (a port made just before a crash) that belong to no
     * recorded server.
     */
    void sweep(State state) throws ProviderException {
        for (String name : names) {
            Set<String> keep = state.servers().stream().filter(r -> r.providerOr(herd.provider().name()).equals(name))
                    .map(ServerRecord::name).collect(Collectors.toUnmodifiableSet());
            get(name).sweep(keep);
        }
    }

    /**
     * Cluster resources left on a provider the cluster no longer runs on (it moved, and no server of it is left there,
     * or will be after this plan): apply removes them. Only asked of herds with several providers.
     */
    List<Plan.StrayCluster> strays(Plan plan) throws ProviderException {
        List<Plan.StrayCluster> strays = new ArrayList<>();
        if (names.size() < 2) {
            return strays;
        }
        for (String name : names) {
            for (String cluster : get(name).listClusters()) {
                ClusterTemplate t = plan.clusters().get(cluster);
                if (t != null && !t.provider().equals(name)) {
                    strays.add(new Plan.StrayCluster(cluster, name));
                }
            }
        }
        return strays;
    }

    /**
     * Every load balancer of this herd on each provider that offers them, by provider name (a cluster's may be on
     * another provider than its servers, or left on one it moved away from).
     */
    Map<String, List<io.drover.spi.LoadBalancer>> loadBalancers() throws ProviderException {
        Map<String, List<io.drover.spi.LoadBalancer>> all = new LinkedHashMap<>();
        for (String name : names) {
            try {
                java.util.Optional<io.drover.spi.LoadBalancers> lbs = get(name).loadBalancers();
                if (lbs.isPresent()) {
                    all.put(name, lbs.get().list());
                }
            } catch (ProviderException e) {
                throw named(name, e);
            }
        }
        return all;
    }

    @Override
    public synchronized void close() {
        opened.values().forEach(Provider::close);
        opened.clear();
    }
}
