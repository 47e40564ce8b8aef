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
    /** The herd file's images (digests, store), worked out when a command first needs them. */
    final HerdImages images;

    private Session(Herd herd, ProviderFactory factory, StateStore store, java.util.List<ProviderFactory> providers, HerdImages images) {
        this.images = images;
        this.herd = herd;
        this.factory = factory;
        this.store = store;
        this.providers = java.util.List.copyOf(providers);
    }

    static Session open(HerdOptions options) throws ConfigException {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = new HerdLoader(catalog.all()).load(options.file());
        ProviderFactory factory = catalog.find(herd.provider().type())
                .orElseThrow(() -> new UserError("provider '" + herd.provider().type() + "' is not installed"));
        return new Session(herd, factory, new FileStateStore(Engine.workDir(herd)), java.util.List.copyOf(catalog.all()),
                HerdImages.of(herd, System.getenv()));
    }

    /** For commands that create servers: every image a cluster runs must be baked (one message says which are not). */
    Session requireBakedImages() {
        images.require();
        return this;
    }

    /** The herd with each {@code ${images.NAME}} replaced by that image's store directory: what providers resolve. */
    Herd runnable() {
        return images.resolvedHerd();
    }

    Engine engine(EventSink events, Engine.Settings settings) {
        return new Engine(runnable(), providers, store, System.getenv(), events, settings);
    }
}
