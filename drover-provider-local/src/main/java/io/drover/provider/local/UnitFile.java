package io.drover.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A systemd unit file with its drop-ins applied, as ordered {@code Key=Value} assignments per section. JDK only.
 *
 * <p>Drop-in semantics follow systemd: list settings ({@code ExecStart}, {@code Environment}, ...) accumulate and an
 * empty assignment resets them; for other settings the last assignment wins.
 */
final class UnitFile {

    /** One {@code Key=Value} line. */
    record Assignment(String section, String key, String value) {}

    /** Where units are looked up inside a server's root, most specific first (like systemd). */
    static final List<String> SEARCH_PATH = List.of("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system");

    private final String name;
    private final List<Assignment> assignments;

    UnitFile(String name, List<Assignment> assignments) {
        this.name = name;
        this.assignments = List.copyOf(assignments);
    }

    /**
     * Loads unit {@code name} from a server root: the unit file (or its template {@code foo@.service} for an
     * instance {@code foo@bar.service}), then its {@code *.conf} drop-ins sorted by file name.
     */
    static UnitFile load(Path root, String name) throws IOException {
        Path file = find(root, name).or(() -> template(name).flatMap(t -> find(root, t))).orElse(null);
        if (file == null) {
            throw new IOException("unit " + name + " not found under " + root.resolve(SEARCH_PATH.get(0)));
        }
        List<Assignment> assignments = new ArrayList<>(parse(Files.readString(file, StandardCharsets.UTF_8)));
        // etc/ drop-ins override same-named ones from usr/lib/, as in systemd.
        Map<String, Path> dropins = new TreeMap<>();
        for (String dir : SEARCH_PATH.reversed()) {
            for (String unitName : template(name).map(t -> List.of(t, name)).orElse(List.of(name))) {
                Path d = root.resolve(dir).resolve(unitName + ".d");
                if (Files.isDirectory(d)) {
                    try (Stream<Path> files = Files.list(d)) {
                        files.filter(f -> f.getFileName().toString().endsWith(".conf"))
                                .forEach(f -> dropins.put(f.getFileName().toString(), f));
                    }
                }
            }
        }
        for (Path dropin : dropins.values()) {
            assignments.addAll(parse(Files.readString(dropin, StandardCharsets.UTF_8)));
        }
        return new UnitFile(name, assignments);
    }

    private static Optional<Path> find(Path root, String name) {
        return SEARCH_PATH.stream().map(dir -> root.resolve(dir).resolve(name)).filter(Files::isRegularFile).findFirst();
    }

    /** {@code foo@bar.service} -> {@code foo@.service}. */
    static Optional<String> template(String name) {
        int at = name.indexOf('@');
        int dot = name.lastIndexOf('.');
        if (at < 0 || dot < at || at + 1 == dot) {
            return Optional.empty();
        }
        return Optional.of(name.substring(0, at + 1) + name.substring(dot));
    }

    /** Parses unit file text: sections, comments, backslash line continuations. */
    static List<Assignment> parse(String text) {
        List<Assignment> result = new ArrayList<>();
        String section = "";
        StringBuilder pending = null;
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            if (pending == null && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
                continue;
            }
            if (pending != null && (line.startsWith("#") || line.startsWith(";"))) {
                continue; // systemd skips comment lines inside a continuation
            }
            if (line.endsWith("\\")) {
                pending = (pending == null ? new StringBuilder() : pending).append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            if (pending != null) {
                line = pending.append(line).toString().strip();
                pending = null;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue; // not an assignment: systemd logs and ignores it too
            }
            result.add(new Assignment(section, line.substring(0, eq).strip(), line.substring(eq + 1).strip()));
        }
        if (pending != null) {
            String line = pending.toString().strip();
            int eq = line.indexOf('=');
            if (eq > 0) {
                result.add(new Assignment(section, line.substring(0, eq).strip(), line.substring(eq + 1).strip()));
            }
        }
        return result;
    }

    String name() {
        return name;
    }

    /** The accumulated values of a list setting; an empty assignment clears what came before. */
    List<String> values(String section, String key) {
        List<String> values = new ArrayList<>();
        for (Assignment a : assignments) {
            if (a.section().equals(section) && a.key().equals(key)) {
                if (a.value().isEmpty()) {
                    values.clear();
                } else {
                    values.add(a.value());
                }
            }
        }
        return values;
    }

    /** The last value of a single-valued setting; an empty assignment means "back to the default". */
    Optional<String> value(String section, String key) {
        String value = null;
        for (Assignment a : assignments) {
            if (a.section().equals(section) && a.key().equals(key)) {
                value = a.value();
            }
        }
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
