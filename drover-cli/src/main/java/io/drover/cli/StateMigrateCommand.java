package io.drover.cli;

import io.drover.config.StateSettings;
import io.drover.config.StateSettings.Backend;
import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateStores;
import io.drover.state.StateVersion;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", description = {
    "Copy the state to another backend, verify it, and say what to change in the herd file.",
    "The state is read from where the herd file (and DROVER_STATE_*) say it is, written to the other backend and read "
        + "back. Both places are locked meanwhile; lineage and serial are kept.",
    "To the same place, it rewrites the state in place with the current encryption settings: the way to encrypt an "
        + "unencrypted state (with --from-unencrypted), to re-encrypt it with a new key after a rotation, or to decrypt "
        + "it (with --decrypt) before removing state.encryption from the herd file."})
final class StateMigrateCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--to", required = true, paramLabel = "BACKEND", description = "file or etcd.")
    String to;

    @Option(names = "--endpoints", paramLabel = "URLS", split = ",", description = "etcd client URLs, comma-separated (default: the herd file's, or $DROVER_STATE_ENDPOINTS).")
    List<String> endpoints;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "etcd key prefix (default: the herd file's, or /drover/HERD).")
    String prefix;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA of the etcd servers (PEM).")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate for etcd (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Client key for etcd (PEM, PKCS#8).")
    Path tlsKey;

    @Option(names = "--from-unencrypted", description = "Read the source although it is not encrypted while the herd file configures encryption (once, to encrypt it).")
    boolean fromUnencrypted;

    @Option(names = "--decrypt", description = "Write the state unencrypted (read with the herd file's state.encryption): to turn encryption off, then remove the block.")
    boolean decrypt;

    @Option(names = "--force", description = "Overwrite a state already at the destination (of another lineage, or newer).")
    boolean force;

    @Mixin
    LockTimeoutOption lockTimeout;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        Backend backend = switch (to) {
            case "file" -> Backend.FILE;
            case "etcd" -> Backend.ETCD;
            default -> throw new UserError("--to must be file or etcd, got '" + to + "'", ExitCodes.INVALID_OR_CHANGES);
        };
        StateSettings source = session.settings();
        StateSettings destination = destination(source, backend, session.herd.name());
        boolean inPlace = samePlace(source, destination, session.herd.name());
        StateCodec writing = writingCodec(session);
        StateCodec reading = fromUnencrypted ? session.codec().acceptingUnencrypted() : writing;
        StateStore from = session.open(source, reading);
        StateStore into = inPlace ? from : session.open(destination, writing);
        Duration timeout = lockTimeout.value();
        try (StateLock a = Session.lock(from, "state migrate", timeout);
                StateLock b = inPlace ? null : Session.lock(into, "state migrate", timeout)) {
            State state = from.read().orElseThrow(() -> new UserError("there is no state at " + from.describe() + " to migrate"));
            State written;
            if (inPlace) {
                written = state.nextSerial();
                into.write(written, StateVersion.of(state));
            } else {
                Optional<State> there = into.read();
                if (there.isPresent() && there.get().equals(state)) {
                    written = state; // an earlier migration got this far
                } else if (there.isPresent() && !force) {
                    throw new UserError(into.describe() + " already holds a state (serial " + there.get().serial()
                            + (there.get().lineage().equals(state.lineage()) ? ", same lineage" : ", another lineage")
                            + "): pass --force to overwrite it with the one at " + from.describe());
                } else if (there.isPresent()) {
                    written = new State(state.formatVersion(), state.lineage(), Math.max(state.serial(), there.get().serial()) + 1,
                            state.herd(), state.servers(), state.outputs(), state.secrets(), state.applied(), state.destroyed());
                    into.write(written, StateVersion.of(there.get()));
                } else {
                    written = state;
                    into.write(written, StateVersion.NONE);
                }
            }
            verify(session, destination, written, into.describe(), writing);
            if (inPlace) {
                System.out.println("State at " + into.describe() + " rewritten in place as serial " + written.serial()
                        + (writing.encrypts() ? ", encrypted with " + keyName(source) : ", unencrypted") + ", and verified.");
                if (decrypt) {
                    System.out.println("Now remove the encryption block from the herd file's state block (" + options.file()
                            + "): until then drover refuses this unencrypted state.");
                }
                return ExitCodes.OK;
            }
            System.out.println("State copied from " + from.describe() + " to " + into.describe() + " (serial " + written.serial()
                    + (writing.encrypts() ? ", encrypted" : "") + ") and verified.");
            System.out.println();
            System.out.println("Now make the herd file's state block say (" + options.file() + "):");
            System.out.println();
            System.out.print(snippet(decrypt ? destination.withEncryption(null) : destination, session.herd.directory()));
            System.out.println();
            System.out.println("Until then drover keeps using " + from.describe() + ". The copy there is left as it was: delete it once the"
                    + " herd file points at the new place" + (backend == Backend.ETCD ? " (rm " + from.describe() + "*)" : "") + ".");
            return ExitCodes.OK;
        }
    }

    /** What the migration writes with: the herd file's keys, or with --decrypt no encryption (read with those keys). */
    private StateCodec writingCodec(Session session) throws Exception {
        if (!decrypt) {
            return session.codec();
        }
        if (fromUnencrypted) {
            throw new UserError("--decrypt and --from-unencrypted go opposite ways: give one", ExitCodes.INVALID_OR_CHANGES);
        }
        if (!session.codec().hasKeys()) {
            throw new UserError("--decrypt reads the state with the herd file's state.encryption, and " + options.file()
                    + " has none: put the encryption block back (the key it names) for this command, then remove it",
                    ExitCodes.INVALID_OR_CHANGES);
        }
        return session.codec().decrypting();
    }

    private StateSettings destination(StateSettings source, Backend backend, String herd) throws Exception {
        StateSettings d = source.withBackend(backend);
        if (backend == Backend.FILE) {
            return d.withEndpoints(List.of()).withPrefix(null).withTls(null);
        }
        if (endpoints != null && !endpoints.isEmpty()) {
            d = d.withEndpoints(StateStores.parseEndpoints(String.join(",", endpoints), "--endpoints"));
        }
        if (d.endpoints().isEmpty()) {
            throw new UserError("give the etcd endpoints to migrate to: --endpoints https://HOST:2379[,...] (or $"
                    + StateStores.ENDPOINTS + ")", ExitCodes.INVALID_OR_CHANGES);
        }
        if (prefix != null) {
            if (!prefix.matches("(/[A-Za-z0-9_.-]+)+")) {
                throw new UserError("--prefix '" + prefix + "': start with /, no trailing /, e.g. /drover/" + herd, ExitCodes.INVALID_OR_CHANGES);
            }
            d = d.withPrefix(prefix);
        }
        if (tlsCa != null || tlsCert != null || tlsKey != null) {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new UserError("--tls-cert and --tls-key go together", ExitCodes.INVALID_OR_CHANGES);
            }
            d = d.withTls(new StateSettings.Tls(abs(tlsCa), abs(tlsCert), abs(tlsKey)));
        }
        return d;
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    private static boolean samePlace(StateSettings a, StateSettings b, String herd) {
        if (a.backend() != b.backend()) {
            return false;
        }
        return a.backend() == Backend.FILE || (a.endpoints().equals(b.endpoints()) && a.prefixFor(herd).equals(b.prefixFor(herd)));
    }

    /**
     * Reads the written state back through a store of its own (a connection of its own, nothing cached), as the next
     * command will; with the same keys, so a passphrase is not stretched twice.
     */
    private static void verify(Session session, StateSettings where, State expected, String describe, StateCodec codec) throws Exception {
        try (StateStore check = StateStores.open(session.herd, where, codec)) {
            State back = check.read().orElse(null);
            if (!expected.equals(back)) {
                throw new UserError("the state read back from " + describe + " differs from the one written (serial "
                        + (back == null ? "none" : back.serial()) + " instead of " + expected.serial() + "): someone wrote it meanwhile?"
                        + " Run the migration again");
            }
        }
    }

    private static String keyName(StateSettings s) {
        return s.encryption() == null ? "-" : s.encryption().key().describe();
    }

    /** The state block for the destination, as YAML to paste (encryption as it is now). */
    static String snippet(StateSettings d, Path herdDirectory) {
        StringBuilder y = new StringBuilder("state:\n  backend: ").append(d.backend().id()).append('\n');
        if (d.backend() == Backend.ETCD) {
            y.append("  endpoints: [").append(String.join(", ", d.endpoints().stream().map(URI::toString).toList())).append("]\n");
            if (d.prefix() != null) {
                y.append("  prefix: ").append(d.prefix()).append('\n');
            }
            if (!d.lockTtl().equals(StateSettings.DEFAULT_LOCK_TTL)) {
                y.append("  lockTtl: ").append(d.lockTtl().toSeconds()).append("s\n");
            }
            if (d.tls() != null) {
                y.append("  tls:\n");
                appendPath(y, "ca", d.tls().ca(), herdDirectory);
                appendPath(y, "cert", d.tls().cert(), herdDirectory);
                appendPath(y, "key", d.tls().key(), herdDirectory);
            }
        }
        if (d.encryption() != null) {
            y.append("  encryption:\n");
            key(y, d.encryption().key(), "    ", herdDirectory);
            if (d.encryption().fallback() != null) {
                y.append("    fallback:\n");
                key(y, d.encryption().fallback(), "      ", herdDirectory);
            }
        }
        return y.toString();
    }

    private static void appendPath(StringBuilder y, String key, Path p, Path dir) {
        if (p != null) {
            y.append("    ").append(key).append(": ").append(p.startsWith(dir) ? dir.relativize(p) : p).append('\n');
        }
    }

    private static void key(StringBuilder y, StateSettings.KeySource k, String indent, Path dir) {
        switch (k) {
            case StateSettings.Passphrase p -> {
                y.append(indent).append("passphraseEnv: ").append(p.environmentVariable()).append('\n');
                if (p.iterations() != StateSettings.Passphrase.DEFAULT_ITERATIONS) {
                    y.append(indent).append("iterations: ").append(p.iterations()).append('\n');
                }
            }
            case StateSettings.KeyEnv e -> y.append(indent).append("keyEnv: ").append(e.environmentVariable()).append('\n');
            case StateSettings.KeyFile f -> y.append(indent).append("keyFile: ")
                    .append(f.path().startsWith(dir) ? dir.relativize(f.path()) : f.path()).append('\n');
        }
    }
}
