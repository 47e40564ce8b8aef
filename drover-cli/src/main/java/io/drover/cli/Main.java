package io.drover.cli;

import picocli.CommandLine;

/** {@code drover}: the entry point. Everything here is wiring; the work is done by the engine. */
public final class Main {
    /**
     * Every command, in the order {@code drover --help} lists them. Only the command being run is built (see
     * {@link #command}): picocli reads each command's annotations, and its classes load with them, so building all of
     * them for {@code drover output} would cost more than the output itself.
     */
    static final java.util.List<String> COMMANDS = java.util.List.of("plan", "apply", "destroy", "show", "output", "validate",
            "render", "heal", "import", "status", "serve", "rotate-ca", "schema", "version", "providers", "bake", "images", "state",
            "force-unlock", "backup", "backups", "restore");

    private Main() {}

    /** A new command object by name (a switch rather than a table of constructors, so that no other command's class loads). */
    static Object command(String name) {
        return switch (name) {
            case "plan" -> new PlanCommand();
            case "apply" -> new ApplyCommand();
            case "destroy" -> new DestroyCommand();
            case "show" -> new ShowCommand();
            case "output" -> new OutputCommand();
            case "validate" -> new ValidateCommand();
            case "render" -> new RenderCommand();
            case "heal" -> new HealCommand();
            case "import" -> new ImportCommand();
            case "status" -> new StatusCommand();
            case "serve" -> new ServeCommand();
            case "rotate-ca" -> new RotateCaCommand();
            case "schema" -> new SchemaCommand();
            case "version" -> new VersionCommand();
            case "providers" -> new ProvidersCommand();
            case "bake" -> new BakeCommand();
            case "images" -> new ImagesCommand();
            case "state" -> new StateCommand();
            case "force-unlock" -> new ForceUnlockCommand();
            case "backup" -> new BackupCommand();
            case "backups" -> new BackupsCommand();
            case "restore" -> new RestoreCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Warmup.startFor(requested(args));
        LibraryLogging.configure(java.util.Arrays.asList(args).contains("--debug"));
        java.util.Optional<Integer> plain = PlainCommandLine.run(args, new java.io.PrintWriter(System.err, true));
        if (plain.isPresent()) {
            return plain.get();
        }
        CommandLine cli = commandLine(args);
        try {
            return cli.execute(args);
        } finally {
            ((DroverCommand) cli.getCommand()).closeResources();
        }
    }

    /** The command line that parses {@code args}: the top command with the subcommand they name, or with all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new DroverCommand());
        String requested = requested(args);
        if (requested != null && COMMANDS.contains(requested)) {
            cli.addSubcommand(requested, command(requested));
        } else {
            // Help, an unknown command (picocli suggests the nearest), or no command: picocli needs to know them all.
            for (String name : COMMANDS) {
                cli.addSubcommand(name, command(name));
            }
        }
        // Set after the subcommands are added: picocli passes these settings on to the subcommands it has.
        ErrorHandler.installOn(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /**
     * The subcommand {@code args} name: the first argument that is not an option of the top command ({@code -f FILE}
     * may come first), or null when an option of its own (--help, --version) or anything unusual comes first.
     */
    static String requested(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-f") || a.equals("--file")) {
                i++; // its value
            } else if (a.startsWith("--file=") || (a.startsWith("-f") && !a.startsWith("--"))) {
                continue; // -fFILE, --file=FILE
            } else if (a.startsWith("-")) {
                return null;
            } else {
                return a;
            }
        }
        return null;
    }
}
