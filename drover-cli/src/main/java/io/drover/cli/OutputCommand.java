package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.engine.Engine;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "output", description = "Print the herd's outputs (e.g. etcd_endpoints), computed from the recorded servers and the herd file.")
final class OutputCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Print only this output's value.")
    String name;

    @Override
    public Integer call() throws Exception {
        try (Session session = Session.open(options); Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            Map<String, String> outputs = engine.outputs(engine.state());
            if (name != null) {
                String value = outputs.get(name);
                if (value == null) {
                    throw new UserError("no output named '" + name + "'"
                            + (outputs.isEmpty() ? " (the herd has no outputs yet: run 'drover apply')" : " (outputs: " + String.join(", ", outputs.keySet()) + ")"));
                }
                System.out.println(options.json ? TextJson.string(value) : value);
            } else if (options.json) {
                System.out.println(TextJson.pretty(outputs));
            } else {
                outputs.forEach((k, v) -> System.out.println(k + " = " + v));
            }
            return ExitCodes.OK;
        }
    }
}
