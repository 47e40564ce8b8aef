package io.drover.cli;

import io.drover.apply.EventSink;
import io.drover.engine.Engine;
import io.drover.render.ignition.IgnitionVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "render", description = "Print the first-boot config a server boots with (Ignition v3 JSON or cloud-init).")
final class RenderCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Option(names = "--server", paramLabel = "NAME", description = "A server (etcd-0-1) or slot (etcd[0]); default the first slot.")
    String server;

    @Option(names = "--format", paramLabel = "FORMAT", description = "ignition or cloud-init (default: what the cluster's image reads, its userData setting).")
    String format;

    @Option(names = "--ignition-version", paramLabel = "V", description = "Ignition spec version 3.0 to 3.3 (default 3.3).")
    String ignitionVersion = "3.3";

    @Override
    public Integer call() throws Exception {
        Engine.Format f = format == null ? null : switch (format) {
            case "ignition" -> Engine.Format.IGNITION;
            case "cloud-init", "cloudinit" -> Engine.Format.CLOUD_INIT;
            default -> throw new UserError("--format must be ignition or cloud-init, got '" + format + "'", ExitCodes.INVALID_OR_CHANGES);
        };
        IgnitionVersion version;
        try {
            version = IgnitionVersion.parse(ignitionVersion);
        } catch (IllegalArgumentException e) {
            throw new UserError("--ignition-version: " + e.getMessage(), ExitCodes.INVALID_OR_CHANGES);
        }
        Session session = Session.open(options);
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            byte[] bytes;
            try {
                bytes = engine.render(server, f, version);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), ExitCodes.INVALID_OR_CHANGES);
            }
            System.out.write(bytes);
            System.out.flush();
            return ExitCodes.OK;
        }
    }
}
