package io.drover.cli;

import io.drover.providers.ProviderCatalog;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "providers", description = "List the installed providers and their settings.")
final class ProvidersCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (ProviderFactory f : ProviderCatalog.fromClassPath().all()) {
            System.out.println(f.type() + ": " + f.description());
            for (Setting s : f.settings()) {
                System.out.println("  provider." + s.name() + " (" + s.kind().name().toLowerCase() + (s.required() ? ", required" : "")
                        + (s.defaultValue() != null ? ", default " + s.defaultValue() : "") + "): " + s.description());
            }
            for (Setting s : f.clusterSettings()) {
                System.out.println("  clusters.*.provider." + s.name() + " (" + s.kind().name().toLowerCase()
                        + (s.defaultValue() != null ? ", default " + s.defaultValue() : "") + "): " + s.description());
            }
        }
        return ExitCodes.OK;
    }
}
