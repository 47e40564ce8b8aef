package io.drover.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code drover output}, the command scripts run in loops ({@code etcdctl --endpoints $(drover output etcd_endpoints)}),
 * run without building picocli's command model: that model (annotations read by reflection, converters, help) is
 * half of the command's own time. Only the plain forms are taken here ({@code [-f FILE] output [NAME] [--json]}, the
 * file option before or after); anything else, --help included, goes through picocli as usual. The work and the
 * messages are {@link OutputCommand}'s and {@link ErrorHandler}'s either way.
 */
final class QuickOutput {
    private Path file;
    private String name;
    private boolean json;

    private QuickOutput() {}

    /** The exit code of {@code drover args} when {@code args} are a plain output command line, else empty. */
    static Optional<Integer> run(String[] args, PrintWriter err) {
        return parse(args).map(quick -> quick.call(err));
    }

    static Optional<QuickOutput> parse(String[] args) {
        QuickOutput quick = new QuickOutput();
        boolean command = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-f") || a.equals("--file")) && i + 1 < args.length && quick.file == null && !args[i + 1].startsWith("-")) {
                quick.file = Path.of(args[++i]);
            } else if (a.startsWith("--file=") && a.length() > "--file=".length() && quick.file == null) {
                quick.file = Path.of(a.substring("--file=".length()));
            } else if (a.equals("--json") && command && !quick.json) {
                quick.json = true;
            } else if (a.equals("output") && !command) {
                command = true;
            } else if (command && quick.name == null && !a.isEmpty() && !a.startsWith("-")) {
                quick.name = a;
            } else {
                return Optional.empty(); // picocli knows what to make of it (or how to say it does not)
            }
        }
        return command ? Optional.of(quick) : Optional.empty();
    }

    private int call(PrintWriter err) {
        HerdOptions options = new HerdOptions();
        options.file = file;
        options.json = json;
        OutputCommand output = new OutputCommand();
        output.options = options;
        output.name = name;
        try {
            return output.call();
        } catch (Exception e) {
            return ErrorHandler.report(e, false, err);
        }
    }

    Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    boolean json() {
        return json;
    }
}
