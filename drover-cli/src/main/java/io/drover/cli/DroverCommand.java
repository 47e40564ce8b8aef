package io.drover.cli;

import picocli.CommandLine.Command;

@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Immutable cattle servers: declare a herd in YAML, then plan, apply, destroy and heal it.",
        subcommands = {
            PlanCommand.class, ApplyCommand.class, DestroyCommand.class, ShowCommand.class, OutputCommand.class,
            ValidateCommand.class, RenderCommand.class, VersionCommand.class, ProvidersCommand.class
        })
final class DroverCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
