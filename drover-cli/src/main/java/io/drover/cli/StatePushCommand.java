package io.drover.cli;

import io.drover.state.State;
import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateLock;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", description = {
    "Replace the stored state with FILE (from 'drover state pull', encrypted or not), under the state lock.",
    "FILE must be of the stored state's lineage and at least as new: pulled, edited, pushed back (it is stored as "
        + "the next serial). Anything else, a state of another lineage or older than the stored one, needs --force."})
final class StatePushCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Parameters(index = "0", paramLabel = "FILE", description = "The state to push.")
    Path file;

    @Option(names = "--force", description = "Push even a state of another lineage, or one older than the stored state (which is then lost).")
    boolean force;

    @Mixin
    LockTimeoutOption lockTimeout;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        // A file given on purpose may be unencrypted (a 'pull --decrypt'); what is stored is encrypted if the herd says so.
        StateCodec codec = session.codec().acceptingUnencrypted();
        State pushed = codec.decode(bytes, file.toString());
        if (!pushed.herd().equals(session.herd.name())) {
            throw new UserError(file + " holds the state of herd '" + pushed.herd() + "', not of '" + session.herd.name() + "'");
        }
        StateStore store = session.store();
        try (StateLock lock = session.lock("state push", lockTimeout.value())) {
            Optional<State> stored = store.read();
            State written = successor(pushed, stored.orElse(null), force, file);
            if (written == null) {
                System.out.println("Nothing to push: " + store.describe() + " already holds this state (serial " + stored.get().serial() + ").");
                return ExitCodes.OK;
            }
            store.write(written, stored.map(StateVersion::of).orElse(StateVersion.NONE));
            System.out.println("Pushed " + file + " to " + store.describe() + " as serial " + written.serial() + ".");
            return ExitCodes.OK;
        }
    }

    /**
     * What to store for a pushed state, or null when it is the stored one already. The rules of OpenTofu's
     * {@code statemgr.CheckValidImport}, except that a pushed state of the stored serial (pulled, then edited) is
     * stored as the next serial instead of being refused.
     */
    static State successor(State pushed, State stored, boolean force, Path file) throws StateException {
        if (stored == null) {
            return pushed.serial() >= 1 ? pushed : at(pushed, pushed.lineage(), 1);
        }
        if (!pushed.lineage().equals(stored.lineage())) {
            if (!force) {
                throw new UserError(file + " is of another lineage than the stored state (another herd, or this herd recreated from"
                        + " scratch): pushing it would replace the stored history. Pass --force if that is what you want");
            }
            return at(pushed, pushed.lineage(), Math.max(stored.serial(), pushed.serial()) + 1);
        }
        if (pushed.serial() < stored.serial()) {
            if (!force) {
                throw new UserError(file + " has serial " + pushed.serial() + ", older than the stored serial " + stored.serial()
                        + ": someone changed the herd since it was pulled. Pull again and redo the edit, or pass --force to"
                        + " overwrite the newer state");
            }
            return at(pushed, pushed.lineage(), stored.serial() + 1);
        }
        if (pushed.serial() == stored.serial()) {
            return pushed.equals(stored) ? null : at(pushed, pushed.lineage(), stored.serial() + 1);
        }
        return pushed;
    }

    private static State at(State s, String lineage, long serial) {
        return new State(s.formatVersion(), lineage, serial, s.herd(), s.servers(), s.outputs(), s.secrets(), s.applied(), s.destroyed());
    }
}
