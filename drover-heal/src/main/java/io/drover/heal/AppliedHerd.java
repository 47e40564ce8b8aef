package io.drover.heal;

import io.drover.apply.EventSink;
import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.config.HerdSource;
import io.drover.engine.Engine;
import io.drover.health.HealthProbe;
import io.drover.spi.ProviderFactory;
import io.drover.state.State;
import io.drover.state.StateStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What heal acts on now: the herd as last applied (parsed from the source the state records), with its engine and
 * health probe, rebuilt when an apply changes it; the herd file as heal read it at start until an apply recorded one.
 */
final class AppliedHerd implements AutoCloseable {
    private final Herd fileHerd;
    private final List<ProviderFactory> providers;
    private final StateStore store;
    private final Map<String, String> environment;
    private final Engine.Settings settings;
    private final EventSink events;
    private final HealListener listener;
    private BiFunction<Herd, State, Herd> appliedImages = (herd, state) -> herd;
    private Current current;

    record Current(String key, Herd herd, Engine engine, HealthProbe probe, HealthChecks checks) implements AutoCloseable {
        @Override
        public void close() {
            probe.close();
            engine.close();
        }
    }

    AppliedHerd(Herd fileHerd, Collection<ProviderFactory> providers, StateStore store, Map<String, String> environment,
            Engine.Settings settings, EventSink events, HealListener listener) {
        this.fileHerd = fileHerd;
        this.providers = List.copyOf(providers);
        this.store = store;
        this.environment = environment;
        this.settings = settings;
        this.events = events;
        this.listener = listener;
    }

    /** See {@code Reconciler.withAppliedImages}. */
    synchronized void withAppliedImages(BiFunction<Herd, State, Herd> images) {
        this.appliedImages = images;
    }

    synchronized Herd herd() {
        return current == null ? fileHerd : current.herd();
    }

    /**
     * The herd heal acts on: the one the last apply recorded in the state (parsed from its recorded source), or the herd
     * file when no apply recorded one yet. A new engine (with the state's current PKI) whenever either changes.
     */
    synchronized Current current(State state) throws ConfigException {
        String key = state == null ? "file" : (state.applied() == null ? "file" : state.applied().digest()) + "/" + state.secrets().hashCode();
        if (current != null && current.key().equals(key)) {
            return current;
        }
        Herd herd = fileHerd;
        if (state != null && state.applied() != null) {
            try {
                herd = new HerdLoader(providers).parse(new HerdSource(state.applied().text(), state.applied().localFiles()), fileHerd.file());
            } catch (ConfigException e) {
                // The applied herd no longer reads with this drover (a provider gone?): keep healing with the file.
                listener.on(HealEvent.of(HealEvent.Kind.FAILED, null, null, null, "cannot read the herd as last applied ("
                        + e.problems().get(0) + "); healing with the herd file instead"));
            }
        }
        if (herd != fileHerd) {
            herd = appliedImages.apply(herd, state);
        }
        Engine engine = new Engine(herd, providers, store, environment, events, settings);
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

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
