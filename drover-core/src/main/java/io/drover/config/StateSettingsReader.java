package io.drover.config;

import io.drover.config.StateSettings.Backend;
import io.drover.config.StateSettings.Encryption;
import io.drover.config.StateSettings.KeySource;
import io.drover.config.StateSettings.Passphrase;
import io.drover.config.YamlNode.Entry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the herd file's {@code state:} block (backend, etcd endpoints and TLS, encryption). */
final class StateSettingsReader {
    static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
    static final Duration MAX_LOCK_TTL = Duration.ofHours(1);

    private final Path directory;
    private final Problems problems;

    StateSettingsReader(Path directory, Problems problems) {
        this.directory = directory;
        this.problems = problems;
    }

    /** The block's settings, the defaults when absent, or {@code null} when it has problems. */
    StateSettings read(MapReader top) {
        Entry entry = top.entry("state");
        if (entry == null) {
            return StateSettings.defaults(top.map().position());
        }
        MapReader s = MapReader.of(entry, "state", Shape.Herd.STATE, problems);
        if (s == null) {
            return null;
        }
        int before = problems.size();
        Backend backend = Backend.FILE;
        String name = s.string("backend");
        if (name != null) {
            switch (name) {
                case "file" -> backend = Backend.FILE;
                case "etcd" -> backend = Backend.ETCD;
                default -> problems.add(s.entry("backend").value().position(), "unknown state backend '" + name + "'",
                        Problems.suggest(name, List.of("file", "etcd")) + " (backends: file, the default; etcd, for a team)");
            }
        }
        List<URI> endpoints = endpoints(s);
        String prefix = s.string("prefix");
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            problems.add(s.entry("prefix").value().position(), "bad etcd key prefix '" + prefix + "'",
                    "start with /, no trailing /, letters, digits and _.- between the slashes, e.g. prefix: /drover/web-prod");
            prefix = null;
        }
        Duration ttl = s.duration("lockTtl");
        if (ttl != null && (ttl.compareTo(StateSettings.MIN_LOCK_TTL) < 0 || ttl.compareTo(MAX_LOCK_TTL) > 0)) {
            problems.add(s.entry("lockTtl").value().position(), "lockTtl must be between 2s and 1h, got " + s.string("lockTtl"),
                    "a crashed run's lock frees itself after this long; the default 15s suits most teams");
            ttl = null;
        }
        StateSettings.Tls tls = tls(s);
        if (backend == Backend.FILE) {
            for (String etcdOnly : List.of("endpoints", "prefix", "lockTtl", "tls")) {
                if (s.has(etcdOnly)) {
                    problems.add(s.entry(etcdOnly).keyPosition(), "'" + etcdOnly + "' is only used with backend: etcd",
                            "add 'backend: etcd' to the state block, or remove '" + etcdOnly + "'");
                }
            }
        }
        if (tls != null && !endpoints.isEmpty() && endpoints.stream().noneMatch(u -> "https".equals(u.getScheme()))) {
            problems.add(s.entry("tls").keyPosition(), "'tls' is set but every endpoint is http://",
                    "write the endpoints as https://HOST:PORT, or remove tls");
        }
        Encryption encryption = encryption(s);
        if (problems.size() > before) {
            return null;
        }
        return new StateSettings(backend, endpoints, prefix, ttl, tls, encryption, entry.keyPosition());
    }

    private List<URI> endpoints(MapReader s) {
        List<URI> endpoints = new ArrayList<>();
        Entry entry = s.entry("endpoints");
        if (entry == null) {
            return endpoints;
        }
        var list = MapReader.asList(entry.value(), "endpoints", problems);
        if (list == null) {
            return endpoints;
        }
        for (YamlNode item : list.items()) {
            String text = MapReader.asString(item, "endpoints item", problems);
            if (text == null) {
                continue;
            }
            String problem = endpointProblem(text);
            if (problem != null) {
                problems.add(item.position(), problem, "write an etcd client URL like https://10.0.0.5:2379");
            } else {
                endpoints.add(URI.create(text));
            }
        }
        if (list.items().isEmpty()) {
            problems.add(entry.keyPosition(), "'endpoints' is empty", "list at least one etcd client URL, e.g. [https://10.0.0.5:2379]");
        }
        return endpoints;
    }

    /** Why an etcd endpoint is unusable, or null (shared with the environment variable DROVER_STATE_ENDPOINTS). */
    static String endpointProblem(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "'" + text + "' is not a URL";
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return "etcd endpoint '" + text + "' must start with http:// or https://";
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            return "etcd endpoint '" + text + "' needs a host and a port";
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            return "etcd endpoint '" + text + "' must not have a path";
        }
        return null;
    }

    private StateSettings.Tls tls(MapReader s) {
        Entry entry = s.entry("tls");
        if (entry == null) {
            return null;
        }
        MapReader t = MapReader.of(entry, "state.tls", Shape.Herd.STATE_TLS, problems);
        if (t == null) {
            return null;
        }
        String ca = t.string("ca");
        String cert = t.string("cert");
        String key = t.string("key");
        if ((cert == null) != (key == null)) {
            problems.add(entry.keyPosition(), "state.tls needs both 'cert' and 'key', or neither",
                    "add the client certificate and its key (for etcd with client certificate auth), or remove the one given");
        }
        if (ca == null && cert == null) {
            problems.add(entry.keyPosition(), "state.tls is empty", "add ca: FILE (the CA of the etcd servers) and, for mutual TLS, cert: and key:");
        }
        return new StateSettings.Tls(path(ca), path(cert), path(key));
    }

    private Path path(String p) {
        return p == null ? null : directory.resolve(p).normalize();
    }

    private Encryption encryption(MapReader s) {
        Entry entry = s.entry("encryption");
        if (entry == null) {
            return null;
        }
        MapReader e = MapReader.of(entry, "state.encryption", Shape.Herd.ENCRYPTION, problems);
        if (e == null) {
            return null;
        }
        KeySource key = keySource(e, entry, "state.encryption");
        KeySource fallback = null;
        Entry fb = e.entry("fallback");
        if (fb != null) {
            MapReader f = MapReader.of(fb, "state.encryption.fallback", Shape.Herd.ENCRYPTION_KEY, problems);
            if (f != null) {
                fallback = keySource(f, fb, "state.encryption.fallback");
            }
        }
        return key == null ? null : new Encryption(key, fallback);
    }

    private KeySource keySource(MapReader k, Entry owner, String what) {
        List<String> given = new ArrayList<>();
        for (String source : List.of("passphraseEnv", "keyFile", "keyEnv")) {
            if (k.has(source)) {
                given.add(source);
            }
        }
        if (given.size() != 1) {
            problems.add(given.isEmpty() ? owner.keyPosition() : k.entry(given.get(1)).keyPosition(),
                    given.isEmpty() ? what + " names no key" : what + " names more than one key (" + String.join(", ", given) + ")",
                    "give exactly one of passphraseEnv: VARIABLE (a passphrase of 16+ characters), keyFile: PATH or keyEnv: VARIABLE (a base64 256-bit key)");
            return null;
        }
        Long iterations = k.integer("iterations", Passphrase.MIN_ITERATIONS, Passphrase.MAX_ITERATIONS, false);
        if (k.has("iterations") && !given.get(0).equals("passphraseEnv")) {
            problems.add(k.entry("iterations").keyPosition(), "'iterations' only applies to passphraseEnv",
                    "remove it: a key from keyFile or keyEnv is used as it is");
        }
        return switch (given.get(0)) {
            case "passphraseEnv" -> {
                String variable = variable(k, "passphraseEnv");
                yield variable == null ? null : new Passphrase(variable,
                        iterations == null ? Passphrase.DEFAULT_ITERATIONS : iterations.intValue());
            }
            case "keyEnv" -> {
                String variable = variable(k, "keyEnv");
                yield variable == null ? null : new StateSettings.KeyEnv(variable);
            }
            default -> {
                String file = k.string("keyFile");
                yield file == null ? null : new StateSettings.KeyFile(path(file));
            }
        };
    }

    private String variable(MapReader k, String key) {
        String name = k.string(key);
        if (name != null && !HerdLoader.VARIABLE_NAME.matcher(name).matches()) {
            problems.add(k.entry(key).value().position(), "'" + name + "' is not an environment variable name",
                    "name the variable that holds the secret, e.g. " + key + ": DROVER_STATE_PASSPHRASE (never the secret itself)");
            return null;
        }
        return name;
    }
}
