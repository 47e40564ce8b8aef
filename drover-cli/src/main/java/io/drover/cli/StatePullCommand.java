package io.drover.cli;

import io.drover.state.State;
import io.drover.state.StateCodec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pull", description = {
    "Print the state, to keep a copy or to edit and push it back.",
    "With encryption on, it is printed encrypted (with the current key) unless --decrypt is given."})
final class StatePullCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--decrypt", description = "Print the state in clear even when encryption is on (it holds the herd's private keys).")
    boolean decrypt;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        State state = session.store().read().orElseThrow(() -> new UserError("herd '" + session.herd.name()
                + "' has no state at " + describe(session) + " (never applied, or another backend: see the state block)"));
        StateCodec codec = session.codec();
        if (codec.encrypts() && decrypt) {
            System.err.println("drover: the state printed below holds the herd's private keys in clear: keep it safe, delete it after use");
        }
        byte[] bytes = codec.encrypts() && !decrypt ? codec.encode(state) : StateCodec.json(state);
        System.out.write(bytes);
        System.out.println();
        System.out.flush();
        return ExitCodes.OK;
    }

    static String describe(Session session) {
        try {
            return session.store().describe();
        } catch (io.drover.state.StateException e) {
            return "?";
        }
    }
}
