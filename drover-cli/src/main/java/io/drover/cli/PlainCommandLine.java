package io.drover.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The command lines run most often, by users and by scripts in loops ({@code etcdctl --endpoints $(drover output
 * etcd_endpoints)}), taken without building picocli's command model: reading the commands' annotations by reflection
 * (a dynamic proxy class per annotation type, converters, help) costs a cold JVM about a fifth of a second, more than
 * {@code output} or {@code version} do themselves and a third of a {@code plan} of a small herd. Measured again with
 * picocli's classes in the start-up cache (OldClassFiles), the annotations' cost remains: through picocli with only the
 * command being run, medians of 15 alternating whole bin/drover runs on a quiet 2-core machine were version 204 vs
 * 136 ms, output 326 vs 223 ms, show 262 vs 195 ms, plan 641 vs 591 ms.
 *
 * <p>Only plain forms are taken: one command of {@link #FORMS}, its flags (options without a value), at most one
 * argument where the command has one, and the herd file as {@code -f FILE}, {@code --file FILE} or
 * {@code --file=FILE} before the command or after it (for every command, as picocli takes it: one inherited option). Anything else, help, a repeated
 * or unknown option, a missing value, an {@code @file}, goes through picocli, which knows what to make of it or how to
 * say it does not. The command objects, their work and their messages are the same either way
 * (PlainCommandLineTest runs every form both ways).
 */
final class PlainCommandLine {
    /**
     * A command's plain form.
     *
     * @param herd whether it takes the herd options ({@link HerdOptions}: --json, --no-color, --debug)
     * @param flags its own flags
     * @param argument whether it takes one optional argument
     */
    private record Form(boolean herd, Set<String> flags, boolean argument, Function<PlainCommandLine, Callable<Integer>> command) {}

    private static final Set<String> HERD_FLAGS = Set.of("--json", "--no-color", "--debug");

    private static final Map<String, Form> FORMS = Map.of(
            "version", new Form(false, Set.of(), false, line -> new VersionCommand()),
            "output", new Form(true, Set.of(), true, line -> {
                OutputCommand c = new OutputCommand();
                c.options = line.options;
                c.name = line.argument;
                return c;
            }),
            "show", new Form(true, Set.of(), false, line -> {
                ShowCommand c = new ShowCommand();
                c.options = line.options;
                return c;
            }),
            "validate", new Form(true, Set.of(), false, line -> {
                ValidateCommand c = new ValidateCommand();
                c.options = line.options;
                return c;
            }),
            "plan", new Form(true, Set.of("--detailed-exitcode", "--destroy"), false, line -> {
                PlanCommand c = new PlanCommand();
                c.options = line.options;
                c.detailedExitCode = line.flags.contains("--detailed-exitcode");
                c.destroy = line.flags.contains("--destroy");
                return c;
            }),
            "status", new Form(true, Set.of(), false, line -> {
                StatusCommand c = new StatusCommand();
                c.options = line.options;
                return c;
            }));

    private final String name;
    private final HerdOptions options = new HerdOptions();
    private final Set<String> flags = new HashSet<>();
    private String argument;

    private PlainCommandLine(String name) {
        this.name = name;
    }

    /** The exit code of {@code drover args} when {@code args} are a plain command line, else empty. */
    static Optional<Integer> run(String[] args, PrintWriter err) {
        return parse(args).map(line -> line.call(err));
    }

    static Optional<PlainCommandLine> parse(String[] args) {
        String name = Main.requested(args);
        Form form = name == null ? null : FORMS.get(name);
        if (form == null) {
            return Optional.empty();
        }
        PlainCommandLine line = new PlainCommandLine(name);
        boolean after = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean fileHere = line.options.file == null; // -f is one option in every position, once (picocli says what a second one means)

            if (a.startsWith("@")) {
                return Optional.empty(); // picocli reads arguments from the file it names
            } else if (!after && a.equals(name)) {
                after = true;
            } else if ((a.equals("-f") || a.equals("--file")) && fileHere && i + 1 < args.length
                    && !args[i + 1].isEmpty() && !args[i + 1].startsWith("-") && !args[i + 1].startsWith("@")) {
                line.options.file = Path.of(args[++i]);
            } else if (a.startsWith("--file=") && a.length() > "--file=".length() && fileHere && !a.startsWith("--file=@")) {
                line.options.file = Path.of(a.substring("--file=".length()));
            } else if (after && form.herd() && HERD_FLAGS.contains(a) && line.flags.add(a)) {
                line.options.json |= a.equals("--json");
                line.options.noColor |= a.equals("--no-color");
                line.options.debug |= a.equals("--debug");
            } else if (after && form.flags().contains(a) && line.flags.add(a)) {
                // a flag of the command's own
            } else if (after && form.argument() && line.argument == null && !a.isEmpty() && !a.startsWith("-")) {
                line.argument = a;
            } else {
                return Optional.empty(); // picocli knows what to make of it (or how to say it does not)
            }
        }
        return Optional.of(line);
    }

    private int call(PrintWriter err) {
        try {
            return command().call();
        } catch (Exception e) {
            return ErrorHandler.report(e, options.debug, err);
        } finally {
            options.closeResources();
        }
    }

    /** The command object, as picocli would have made it from the same line. */
    Callable<Integer> command() {
        return FORMS.get(name).command().apply(this);
    }
}
