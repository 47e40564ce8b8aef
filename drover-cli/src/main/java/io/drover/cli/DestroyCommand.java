package io.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "destroy", description = "Destroy every server (and cluster resource) of the herd.")
final class DestroyCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--parallelism", paramLabel = "N", description = "How many steps may run at once (default: ${DEFAULT-VALUE}).")
    int parallelism = 10;

    @Override
    public Integer call() throws Exception {
        return ApplyCommand.run(options, autoApprove, parallelism, true);
    }
}
