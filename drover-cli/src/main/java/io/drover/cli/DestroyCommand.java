package io.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "destroy", description = "Destroy every server (and cluster resource) of the herd.")
final class DestroyCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() throws Exception {
        return ApplyCommand.run(options, change, true);
    }
}
