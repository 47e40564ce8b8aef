package io.drover.cli;

import io.drover.config.Herd;
import io.drover.providers.ProviderCatalog;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "validate", description = "Check the herd file without touching any server; exit 2 if it has problems.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Override
    public Integer call() throws Exception {
        Herd herd = Session.loadHerd(ProviderCatalog.fromClassPath(), options); // no state, no provider: only the file
        if (options.json) {
            System.out.println(Json.write(Map.of("valid", true, "herd", herd.name(), "clusters", herd.clusters().keySet())));
        } else {
            System.out.println("The herd file " + options.file() + " is valid: herd '" + herd.name() + "', "
                    + herd.clusters().size() + " cluster(s), provider " + herd.provider().type() + ".");
        }
        return ExitCodes.OK;
    }
}
