package io.drover.state;

import io.drover.config.Durations;
import io.drover.config.Herd;
import io.drover.config.StateSettings;
import io.drover.config.StateSettings.Backend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens a herd's state store from its {@code state:} block and the environment. The file backend is built in;
 * others come through {@link StateBackend} and are only looked up (and their classes loaded) when chosen.
 */
public final class StateStores {
    /** Environment variables that override the herd file's state block (for CI runners); see docs/state.md. */
    public static final String BACKEND = "DROVER_STATE_BACKEND";
    public static final String ENDPOINTS = "DROVER_STATE_ENDPOINTS";
    public static final String PREFIX = "DROVER_STATE_PREFIX";
    public static final String LOCK_TTL = "DROVER_STATE_LOCK_TTL";
    public static final String TLS_CA = "DROVER_STATE_TLS_CA";
    public static final String TLS_CERT = "DROVER_STATE_TLS_CERT";
    public static final String TLS_KEY = "DROVER_STATE_TLS_KEY";

    private StateStores() {}

    /** Opens the store the herd file and environment describe, with their encryption settings. */
    public static StateStore open(Herd herd, Map<String, String> environment) throws StateException {
        StateSettings settings = effective(herd, environment);
        return open(herd, settings, codec(herd, settings, environment, false));
    }

    /** The herd file's state block with the DROVER_STATE_* environment variables applied over it. */
    public static StateSettings effective(Herd herd, Map<String, String> env) throws StateException {
        StateSettings s = herd.state();
        String backend = env.get(BACKEND);
        if (present(backend)) {
            s = switch (backend.strip()) {
                case "file" -> s.withBackend(Backend.FILE);
                case "etcd" -> s.withBackend(Backend.ETCD);
                default -> throw new StateException("$" + BACKEND + " is '" + backend + "': use file or etcd");
            };
        }
        String endpoints = env.get(ENDPOINTS);
        if (present(endpoints)) {
            s = s.withEndpoints(parseEndpoints(endpoints, "$" + ENDPOINTS));
        }
        String prefix = env.get(PREFIX);
        if (present(prefix)) {
            if (!prefix.matches("(/[A-Za-z0-9_.-]+)+")) {
                throw new StateException("$" + PREFIX + " is '" + prefix + "': start with /, no trailing /, e.g. /drover/" + herd.name());
            }
            s = s.withPrefix(prefix);
        }
        String ttl = env.get(LOCK_TTL);
        if (present(ttl)) {
            Duration d = Durations.parse(ttl.strip());
            if (d == null || d.compareTo(StateSettings.MIN_LOCK_TTL) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new StateException("$" + LOCK_TTL + " is '" + ttl + "': give a duration from 2s to 1h, e.g. 15s");
            }
            s = s.withLockTtl(d);
        }
        if (present(env.get(TLS_CA)) || present(env.get(TLS_CERT)) || present(env.get(TLS_KEY))) {
            StateSettings.Tls old = s.tls() == null ? new StateSettings.Tls(null, null, null) : s.tls();
            StateSettings.Tls tls = new StateSettings.Tls(path(env.get(TLS_CA), old.ca()), path(env.get(TLS_CERT), old.cert()),
                    path(env.get(TLS_KEY), old.key()));
            if ((tls.cert() == null) != (tls.key() == null)) {
                throw new StateException("$" + TLS_CERT + " and $" + TLS_KEY + " go together: set both (mutual TLS) or neither");
            }
            s = s.withTls(tls);
        }
        return s;
    }

    /** The codec for these settings: the keys are read from the environment or files now. */
    public static StateCodec codec(Herd herd, StateSettings settings, Map<String, String> env, boolean acceptUnencrypted)
            throws StateException {
        return codec(herd.name(), settings, env, acceptUnencrypted);
    }

    public static StateCodec codec(String herd, StateSettings settings, Map<String, String> env, boolean acceptUnencrypted)
            throws StateException {
        if (settings.encryption() == null) {
            return new StateCodec();
        }
        return new StateCodec(herd, StateCipher.resolve(settings.encryption(), env), acceptUnencrypted);
    }

    public static StateStore open(Herd herd, StateSettings settings, StateCodec codec) throws StateException {
        return open(herd.name(), herd.directory().resolve(".drover"), settings, codec);
    }

    /** @param workDir the herd's local directory ({@code .drover/}), where the file backend keeps the state */
    public static StateStore open(String herd, Path workDir, StateSettings settings, StateCodec codec) throws StateException {
        if (settings.backend() == Backend.FILE) {
            return new FileStateStore(workDir, codec);
        }
        if (settings.endpoints().isEmpty()) {
            throw new StateException("the state backend is etcd but no endpoints are given: add 'endpoints: [https://HOST:2379]' to"
                    + " the state block (" + settings.position() + ") or set $" + ENDPOINTS);
        }
        return new RollbackGuard(backend(settings.backend().id()).open(settings, herd, codec), workDir);
    }

    /** The installed backend of that name. */
    public static StateBackend backend(String name) throws StateException {
        List<String> found = new ArrayList<>();
        for (StateBackend b : ServiceLoader.load(StateBackend.class)) {
            if (b.name().equals(name)) {
                return b;
            }
            found.add(b.name());
        }
        throw new StateException("the " + name + " state backend is not installed (found: file"
                + (found.isEmpty() ? "" : ", " + String.join(", ", found)) + "): put drover-state-" + name + " on the class path");
    }

    /** A comma-separated list of etcd client URLs. */
    public static List<URI> parseEndpoints(String text, String where) throws StateException {
        List<URI> uris = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String problem = io.drover.config.HerdLoader.endpointProblem(p);
            if (problem != null) {
                throw new StateException(where + ": " + problem + " (write etcd client URLs like https://10.0.0.5:2379, comma-separated)");
            }
            uris.add(URI.create(p));
        }
        if (uris.isEmpty()) {
            throw new StateException(where + " is empty: give etcd client URLs like https://10.0.0.5:2379, comma-separated");
        }
        return uris;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Path path(String value, Path otherwise) {
        return present(value) ? Path.of(value.strip()).toAbsolutePath().normalize() : otherwise;
    }
}
