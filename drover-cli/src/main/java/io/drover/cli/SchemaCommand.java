package io.drover.cli;

import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "schema", description = "Print the JSON Schema of the herd file, for editors (e.g. drover schema > herd.schema.json).")
final class SchemaCommand implements Callable<Integer> {
    static final String RESOURCE = "/io/drover/config/herd.schema.json";

    @Override
    public Integer call() throws Exception {
        try (InputStream in = SchemaCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UserError("this build of drover has no herd file schema (" + RESOURCE + " is missing)");
            }
            System.out.write(in.readAllBytes());
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
