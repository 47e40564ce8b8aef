package io.drover.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a herd file may contain, as one tree. The loader rejects keys that are not here, and a test walks
 * this tree against {@code herd.schema.json} so that the schema editors use cannot drift from the loader.
 */
sealed interface Shape {

    /** A map with fixed keys; {@code open} maps also take provider-defined keys, validated separately. */
    record Fields(Map<String, Shape> fields, boolean open) implements Shape {
        public Fields {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        List<String> keys() {
            return List.copyOf(fields.keySet());
        }

        Fields field(String key) {
            return (Fields) fields.get(key);
        }
    }

    /** A map whose keys the user names (clusters, variables, outputs, etcd flags). */
    record Named(Shape value) implements Shape {}

    /** A list. */
    record Items(Shape item) implements Shape {}

    /** A single value. */
    record Scalar() implements Shape {}

    /** Either a value or a map (outputs: a template, or {value, description}). */
    record ScalarOr(Fields fields) implements Shape {}

    Scalar SCALAR = new Scalar();

    static Fields fields(Object... keysAndShapes) {
        Map<String, Shape> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndShapes.length; i += 2) {
            map.put((String) keysAndShapes[i], (Shape) keysAndShapes[i + 1]);
        }
        return new Fields(map, false);
    }

    /** The whole herd file. */
    final class Herd {
        static final Fields OWNER = fields("name", SCALAR);
        static final Fields USER = fields(
                "name", SCALAR, "ssh_authorized_keys", new Items(SCALAR), "groups", new Items(SCALAR),
                "home_dir", SCALAR, "shell", SCALAR);
        static final Fields DIRECTORY = fields("path", SCALAR, "mode", SCALAR, "user", OWNER, "group", OWNER);
        static final Fields CONTENTS = fields("inline", SCALAR, "local", SCALAR);
        static final Fields FILE = fields(
                "path", SCALAR, "mode", SCALAR, "user", OWNER, "group", OWNER, "overwrite", SCALAR, "contents", CONTENTS);
        static final Fields LINK = fields("path", SCALAR, "target", SCALAR, "hard", SCALAR, "user", OWNER, "group", OWNER);
        static final Fields DROPIN = fields("name", SCALAR, "contents", SCALAR);
        static final Fields UNIT = fields("name", SCALAR, "enabled", SCALAR, "contents", SCALAR, "dropins", new Items(DROPIN));
        static final Fields PASSWD = fields("users", new Items(USER));
        static final Fields STORAGE = fields(
                "directories", new Items(DIRECTORY), "files", new Items(FILE), "links", new Items(LINK));
        static final Fields SYSTEMD = fields("units", new Items(UNIT));
        static final Fields FIRST_BOOT = fields("passwd", PASSWD, "storage", STORAGE, "systemd", SYSTEMD);
        static final Fields HEALTH = fields(
                "type", SCALAR, "port", SCALAR, "path", SCALAR, "interval", SCALAR, "timeout", SCALAR,
                "startTimeout", SCALAR, "failures", SCALAR);
        static final Fields LOAD_BALANCER = fields("port", SCALAR, "targetPort", SCALAR, "drain", SCALAR, "provider", SCALAR);
        static final Fields BACKUP = fields("full", SCALAR, "delta", SCALAR, "keep", SCALAR, "to", SCALAR, "autoRestore", SCALAR);
        static final Fields ETCD = fields("clientPort", SCALAR, "peerPort", SCALAR, "flags", new Named(SCALAR), "tls", SCALAR, "container", SCALAR,
                "backup", BACKUP);
        static final Fields CLUSTER_PROVIDER = new Fields(Map.of("name", SCALAR), true);
        static final Fields CLUSTER = fields(
                "size", SCALAR, "role", SCALAR, "image", SCALAR, "maxUnavailable", SCALAR, "spares", SCALAR, "dependsOn", new Items(SCALAR),
                "antiAffinity", SCALAR, "userData", SCALAR, "provider", new ScalarOr(CLUSTER_PROVIDER), "etcd", ETCD, "health", HEALTH,
                "firstBoot", FIRST_BOOT, "loadBalancer", LOAD_BALANCER);
        static final Fields IMAGE = fields(
                "base", SCALAR, "packages", new Items(SCALAR), "files", new Items(FILE), "run", new Items(SCALAR),
                "outputs", new Items(SCALAR), "mirror", SCALAR, "securityMirror", SCALAR);
        static final Fields PROVIDER = new Fields(Map.of("type", SCALAR), true);
        static final Fields OUTPUT = fields("value", SCALAR, "description", SCALAR);
        static final Fields ENCRYPTION_KEY = fields("passphraseEnv", SCALAR, "iterations", SCALAR, "keyFile", SCALAR, "keyEnv", SCALAR);
        static final Fields ENCRYPTION = fields(
                "passphraseEnv", SCALAR, "iterations", SCALAR, "keyFile", SCALAR, "keyEnv", SCALAR, "fallback", ENCRYPTION_KEY);
        static final Fields STATE_TLS = fields("ca", SCALAR, "cert", SCALAR, "key", SCALAR);
        static final Fields STATE = fields(
                "backend", SCALAR, "endpoints", new Items(SCALAR), "prefix", SCALAR, "lockTtl", SCALAR, "tls", STATE_TLS,
                "encryption", ENCRYPTION);
        static final Fields ROOT = fields(
                "herd", SCALAR, "provider", PROVIDER, "providers", new Named(PROVIDER), "variables", new Named(SCALAR),
                "images", new Named(IMAGE), "clusters", new Named(CLUSTER),
                "outputs", new Named(new ScalarOr(OUTPUT)), "state", STATE);

        private Herd() {}
    }
}
