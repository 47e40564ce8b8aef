package io.drover.cli;

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
        Session session = Session.open(options);
        if (options.json) {
            System.out.println(Json.write(Map.of("valid", true, "herd", session.herd.name(), "clusters", session.herd.clusters().keySet())));
        } else {
            System.out.println("The herd file " + options.file() + " is valid: herd '" + session.herd.name() + "', "
                    + session.herd.clusters().size() + " cluster(s), provider " + session.herd.provider().type() + ".");
        }
        return ExitCodes.OK;
    }
}
