package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.config.ConfigException;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.config.StateSettings;
import io.drover.engine.Engine;
import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.state.LockWaiter;
import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import java.time.Duration;

/**
 * What a command needs: the herd file loaded and validated, its provider, its state store (opened on first use,
 * from the herd file's {@code state:} block and the DROVER_STATE_* environment variables, and closed when the
 * command ends).
 */
final class Session implements AutoCloseable {
    final Herd herd;
    final ProviderFactory factory;
    /** Every installed provider (heal reads the herd as last applied, which may name another one). */
    final java.util.List<ProviderFactory> providers;
    /** The herd file's images (digests, store), worked out when a command first needs them. */
    final HerdImages images;
    private StateStore store;
    private StateSettings settings;
    private StateCodec codec;
    private final java.util.List<StateStore> others = new java.util.ArrayList<>();

    private Session(Herd herd, ProviderFactory factory, java.util.List<ProviderFactory> providers, HerdImages images) {
        this.images = images;
        this.herd = herd;
        this.factory = factory;
        this.providers = java.util.List.copyOf(providers);
    }

    static Session open(HerdOptions options) throws ConfigException {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd herd = loadHerd(catalog, options);
        ProviderFactory factory = catalog.find(herd.provider().type())
                .orElseThrow(() -> new UserError("provider '" + herd.provider().type() + "' is not installed"));
        Session session = new Session(herd, factory, java.util.List.copyOf(catalog.all()), HerdImages.of(herd, System.getenv()));
        options.closeWhenDone(session);
        return session;
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

    /** The herd's state store. */
    synchronized StateStore store() throws StateException {
        if (store == null) {
            store = StateStores.open(herd, settings(), codec());
        }
        return store;
    }

    /** The state block in effect: the herd file's, with the DROVER_STATE_* environment variables over it. */
    synchronized StateSettings settings() throws StateException {
        if (settings == null) {
            settings = StateStores.effective(herd, System.getenv());
        }
        return settings;
    }

    /** How the store encodes the state; its keys are read (and a passphrase stretched) once per command. */
    synchronized StateCodec codec() throws StateException {
        if (codec == null) {
            codec = StateStores.codec(herd, settings(), System.getenv(), false);
        }
        return codec;
    }

    /** Another store of this herd (a migration's source or destination), closed with the session. */
    StateStore open(StateSettings where, StateCodec with) throws StateException {
        StateStore other = StateStores.open(herd, where, with);
        others.add(other);
        return other;
    }

    /** The state lock, waiting up to {@code timeout} for its holder (named on stderr) to finish. */
    StateLock lock(String operation, Duration timeout) throws StateException, InterruptedException {
        return lock(store(), operation, timeout);
    }

    /** A store's lock, waiting up to {@code timeout}, as {@code --lock-timeout} of apply does. */
    static StateLock lock(StateStore store, String operation, Duration timeout) throws StateException, InterruptedException {
        return new LockWaiter().lock(store, operation, timeout, holder -> System.err.println(waitingFor(holder)));
    }

    /** What a command waiting for the lock says about its holder; one whose process is gone is not worth waiting for as if it worked. */
    static String waitingFor(io.drover.state.LockInfo holder) {
        String line = "drover: waiting for the state lock, held by " + holder.describe();
        if (holder.processGoneHere()) {
            line += "; its process " + holder.pid() + " is gone (killed?): its lock is taken over once it expires (an etcd"
                    + " lock after the state block's lockTtl), or break it now with 'drover force-unlock " + holder.id() + "'";
        }
        return line;
    }

    Engine engine(EventSink events, Engine.Settings settings) throws StateException {
        return new Engine(runnable(), providers, store(), System.getenv(), events, settings);
    }

    @Override
    public synchronized void close() {
        others.forEach(StateStore::close);
        others.clear();
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** The herd file, validated (for commands that need nothing else, such as validate). */
    static Herd loadHerd(ProviderCatalog catalog, HerdOptions options) throws ConfigException {
        return new HerdLoader(catalog.all()).load(options.file());
    }
}
