package io.drover.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of a {@code .service} unit the supervisor runs, resolved for one server: commands split, specifiers
 * and variables expanded, paths mapped into the server's root. JDK only.
 *
 * @param environment the complete environment of the unit's processes
 * @param startLimitBurst starts allowed within {@code startLimitInterval} before the unit is given up
 */
record ServiceUnit(
        String name,
        Type type,
        List<CommandLine> execStartPre,
        List<CommandLine> execStart,
        Map<String, String> environment,
        Path workingDirectory,
        Restart restart,
        Duration restartSec,
        int startLimitBurst,
        Duration startLimitInterval) {

    /** {@code Type=}: oneshot (and forking) units run to completion before the next unit starts. */
    enum Type {
        SIMPLE, ONESHOT;

        static Type parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "oneshot", "forking" -> ONESHOT;
                default -> SIMPLE; // simple, exec, notify, notify-reload, dbus, idle: started, not waited for
            };
        }
    }

    /** {@code Restart=}. */
    enum Restart {
        NO, ALWAYS, ON_FAILURE, ON_SUCCESS;

        static Restart parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "no" -> NO;
                case "always" -> ALWAYS;
                case "on-success" -> ON_SUCCESS;
                case "on-failure", "on-abnormal", "on-abort", "on-watchdog" -> ON_FAILURE;
                default -> throw new IllegalArgumentException("unsupported Restart=" + value);
            };
        }

        boolean restartAfter(boolean succeeded) {
            return this == ALWAYS || (this == ON_FAILURE && !succeeded) || (this == ON_SUCCESS && succeeded);
        }
    }

    ServiceUnit {
        execStartPre = List.copyOf(execStartPre);
        execStart = List.copyOf(execStart);
        environment = Map.copyOf(environment);
    }

    static final Duration DEFAULT_RESTART_SEC = Duration.ofMillis(100);

    /**
     * Resolves a unit for a server.
     *
     * @param baseEnvironment PATH, HOME and the DROVER_* variables; the unit's own settings override them
     */
    static ServiceUnit resolve(UnitFile unit, Path root, String serverName, Map<String, String> baseEnvironment) throws IOException {
        return resolve(unit, root, root, serverName, baseEnvironment);
    }

    /**
     * Resolves a unit for a server whose processes see its root as {@code seenAs}: the root itself for servers on
     * the host's programs, {@code /} for servers chrooted into a baked image (so {@code %S} is {@code /var/lib}
     * there, the real path inside the image). Files the unit names are read from {@code root} either way.
     */
    static ServiceUnit resolve(UnitFile unit, Path root, Path seenAs, String serverName, Map<String, String> baseEnvironment) throws IOException {
        Specifiers specifiers = Specifiers.forUnit(seenAs, serverName, unit.name());
        Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
        for (String value : unit.values("Service", "Environment")) {
            for (String assignment : CommandLine.splitWords(value)) {
                int eq = assignment.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Environment=" + value + " is not NAME=VALUE");
                }
                env.put(assignment.substring(0, eq), specifiers.expand(assignment.substring(eq + 1)));
            }
        }
        // As in systemd, EnvironmentFile= settings override Environment= ones.
        for (String value : unit.values("Service", "EnvironmentFile")) {
            boolean optional = value.startsWith("-");
            Path file = inRoot(root, specifiers.expand(optional ? value.substring(1) : value));
            try {
                env.putAll(parseEnvironmentFile(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (NoSuchFileException e) {
                if (!optional) {
                    throw new IOException("EnvironmentFile " + file + " of " + unit.name() + " does not exist"
                            + " (prefix the path with '-' if it is optional)");
                }
            }
        }
        Path workingDirectory = unit.value("Service", "WorkingDirectory")
                .map(w -> w.startsWith("-") ? w.substring(1) : w)
                .map(w -> w.equals("~") ? env.getOrDefault("HOME", root.toString()) : inRoot(root, specifiers.expand(w)).toString())
                .map(Path::of)
                .orElse(root);
        Type type = Type.parse(unit.value("Service", "Type").orElse("simple"));
        List<CommandLine> execStart = unit.values("Service", "ExecStart").stream()
                .map(line -> CommandLine.parse(line, specifiers, env))
                .toList();
        if (execStart.isEmpty() && type != Type.ONESHOT) {
            throw new IllegalArgumentException(unit.name() + " has no ExecStart=");
        }
        return new ServiceUnit(
                unit.name(),
                type,
                unit.values("Service", "ExecStartPre").stream().map(line -> CommandLine.parse(line, specifiers, env)).toList(),
                execStart,
                env,
                workingDirectory,
                Restart.parse(unit.value("Service", "Restart").orElse("no")),
                unit.value("Service", "RestartSec").map(TimeSpan::parse).orElse(DEFAULT_RESTART_SEC),
                unit.value("Unit", "StartLimitBurst").map(Integer::parseInt).orElse(5),
                unit.value("Unit", "StartLimitIntervalSec").map(TimeSpan::parse).orElse(Duration.ofSeconds(10)));
    }

    /**
     * A path written for the server's filesystem, placed inside its root. Paths that specifiers already put inside
     * the root are kept as they are.
     */
    static Path inRoot(Path root, String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() && p.normalize().startsWith(root)) {
            return p.normalize();
        }
        Path resolved = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("path " + path + " leaves the server root");
        }
        return resolved;
    }

    /** {@code KEY=VALUE} lines; {@code #} and {@code ;} comments; single or double quotes around values. */
    static Map<String, String> parseEnvironmentFile(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && value.charAt(0) == '\'' && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1);
            } else if (value.length() >= 2 && value.charAt(0) == '"' && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).replaceAll("\\\\([\"\\\\$`])", "$1");
            }
            env.put(line.substring(0, eq).strip(), value);
        }
        return env;
    }
}
