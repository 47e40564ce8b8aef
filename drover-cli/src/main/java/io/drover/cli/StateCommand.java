package io.drover.cli;

import picocli.CommandLine.Command;

@Command(name = "state", description = "Look at and move the herd's state: pull, push, migrate (docs/state.md).",
        subcommands = {StatePullCommand.class, StatePushCommand.class, StateMigrateCommand.class})
final class StateCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
