package io.drover.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The herd file's {@code state:} block: where the state lives and how it is protected. Absent, the state is a
 * file under {@code .drover/} next to the herd file, unencrypted, as before this block existed.
 *
 * @param endpoints etcd client URLs ({@code backend: etcd} only)
 * @param prefix the etcd key prefix the herd's keys live under; {@code null} means {@code /drover/HERD}
 * @param lockTtl how long a crashed holder's etcd lock outlives it (the lease TTL)
 * @param tls client TLS files for the etcd endpoints, or {@code null}
 * @param encryption encryption at rest, or {@code null} for none
 * @param position where the block was written (or the file's start when absent), for messages
 */
public record StateSettings(
        Backend backend, List<URI> endpoints, String prefix, Duration lockTtl, Tls tls, Encryption encryption,
        SourcePosition position) {

    public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(15);
    public static final Duration MIN_LOCK_TTL = Duration.ofSeconds(2);

    public StateSettings {
        Objects.requireNonNull(backend, "backend");
        endpoints = List.copyOf(endpoints);
        lockTtl = lockTtl == null ? DEFAULT_LOCK_TTL : lockTtl;
    }

    /** The state as it was before this block existed: {@code .drover/state.json}, unencrypted. */
    public static StateSettings defaults(SourcePosition position) {
        return new StateSettings(Backend.FILE, List.of(), null, DEFAULT_LOCK_TTL, null, null, position);
    }

    /** The etcd key prefix of a herd: the configured one, or {@code /drover/HERD}. */
    public String prefixFor(String herd) {
        return prefix != null ? prefix : "/drover/" + herd;
    }

    public StateSettings withBackend(Backend value) {
        return new StateSettings(value, endpoints, prefix, lockTtl, tls, encryption, position);
    }

    public StateSettings withEndpoints(List<URI> value) {
        return new StateSettings(backend, value, prefix, lockTtl, tls, encryption, position);
    }

    public StateSettings withPrefix(String value) {
        return new StateSettings(backend, endpoints, value, lockTtl, tls, encryption, position);
    }

    public StateSettings withLockTtl(Duration value) {
        return new StateSettings(backend, endpoints, prefix, value, tls, encryption, position);
    }

    public StateSettings withTls(Tls value) {
        return new StateSettings(backend, endpoints, prefix, lockTtl, value, encryption, position);
    }

    public StateSettings withEncryption(Encryption value) {
        return new StateSettings(backend, endpoints, prefix, lockTtl, tls, value, position);
    }

    /** Where the state is kept. */
    public enum Backend {
        FILE, ETCD;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Client TLS for etcd: the CA that signed the servers' certificates, and a client certificate and key for
     * servers that require one (mutual TLS). Paths are absolute (relative ones are resolved against the herd
     * file's directory when read).
     */
    public record Tls(Path ca, Path cert, Path key) {}

    /**
     * Encryption at rest: new state is encrypted with {@code key}; {@code fallback} (or null) is only tried to
     * read state written before a key rotation.
     */
    public record Encryption(KeySource key, KeySource fallback) {
        public Encryption {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Where an encryption key comes from. Never the key itself: herd files are kept in git. */
    public sealed interface KeySource {
        /** For messages, e.g. {@code the passphrase in $DROVER_STATE_PASSPHRASE}. */
        String describe();
    }

    /**
     * A passphrase in an environment variable, stretched with PBKDF2-HMAC-SHA512.
     *
     * @param iterations for new encryptions; a state records the count it was encrypted with
     */
    public record Passphrase(String environmentVariable, int iterations) implements KeySource {
        /** OpenTofu's default, and OWASP's advice for PBKDF2-HMAC-SHA256 (SHA-512 needs fewer; we keep the larger). */
        public static final int DEFAULT_ITERATIONS = 600_000;
        /** OWASP's minimum for PBKDF2-HMAC-SHA512 (2023). */
        public static final int MIN_ITERATIONS = 210_000;
        /** Beyond this a state would take minutes to open: refused, also when read from a stored state. */
        public static final int MAX_ITERATIONS = 10_000_000;
        public static final int MIN_LENGTH = 16;

        @Override
        public String describe() {
            return "the passphrase in $" + environmentVariable;
        }
    }

    /** A 256-bit key in a file: 32 bytes, or their base64 (e.g. {@code head -c 32 /dev/urandom | base64}). */
    public record KeyFile(Path path) implements KeySource {
        @Override
        public String describe() {
            return "the key in " + path;
        }
    }

    /** A 256-bit key, base64-encoded, in an environment variable. */
    public record KeyEnv(String environmentVariable) implements KeySource {
        @Override
        public String describe() {
            return "the key in $" + environmentVariable;
        }
    }
}
