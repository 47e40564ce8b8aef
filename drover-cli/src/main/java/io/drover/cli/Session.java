package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.state.FileStateStore;
import io.drover.state.StateStore;

/** What a command needs: the herd file loaded and validated, its provider, its state store. */
final class Session {
    final Herd herd;
    final ProviderFactory factory;
    final StateStore store;
    /** Every installed provider (heal reads the herd as last applied, which may name another one). */
    final java.util.List<ProviderFactory> providers;

    private Session(Herd herd, ProviderFactory factory, StateStore store, java.util.List<ProviderFactory> providers) {
        this.herd = herd;
        this.factory = factory;
        this.store = store;
        this.providers = java.util.List.copyOf(providers);
    }

    static Session open(HerdOptions options) throws ConfigException {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = loadHerd(catalog, options);
        ProviderFactory factory = catalog.find(herd.provider().type())
                .orElseThrow(() -> new UserError("provider '" + herd.provider().type() + "' is not installed"));
        return new Session(herd, factory, new FileStateStore(Engine.workDir(herd)), java.util.List.copyOf(catalog.all()));
    }

    /** The herd file, validated (for commands that need nothing else, such as validate). */
    static Herd loadHerd(ProviderCatalog catalog, HerdOptions options) throws ConfigException {
        return new HerdLoader(catalog.all()).load(options.file());
    }

    Engine engine(EventSink events, Engine.Settings settings) {
        return new Engine(herd, providers, store, System.getenv(), events, settings);
    }
}
