package io.drover.config;

import io.drover.config.References.ClusterRef;
import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlList;
import io.drover.config.YamlNode.YamlMap;
import io.drover.config.YamlNode.YamlScalar;
import io.drover.render.Directory;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Link;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.render.User;
import io.drover.spi.FileErrors;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Reads a cluster's {@code firstBoot:} section (Butane's vocabulary: passwd, storage, systemd) into a
 * {@link FirstBoot}, checking what would otherwise only fail on the server: paths, modes, unit files,
 * duplicates and template references.
 *
 * <p>One piece, over 400 lines, on purpose: users, files, directories, links and units share one map of paths (one
 * path, one entry, whatever kind wrote it) and one template scope, and each reader is a few lines over the same
 * helpers (path, mode, owner, templated text); split by section, each part would need both passed around.
 */
final class FirstBootReader {
    // Unit types that can be written as unit files (drover-render's FirstBootValidator accepts a superset).
    private static final Pattern UNIT_NAME =
            Pattern.compile("[A-Za-z0-9:_.@\\\\-]+\\.(service|socket|timer|target|path|mount|automount|swap|slice)");
    private static final Pattern DROPIN_NAME = Pattern.compile("[A-Za-z0-9:_.@-]+\\.conf");
    // What useradd and cloud-init's "owner: user:group" both accept (as drover-render checks).
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?");
    private static final Pattern OCTAL = Pattern.compile("0o?([0-7]+)");
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");
    private static final List<String> SSH_KEY_PREFIXES = List.of("ssh-", "ecdsa-", "sk-");

    private final Path directory;
    private final HerdSource.LocalFiles localFiles;
    private final List<String> lines;
    private final References references;
    private final Problems problems;
    private final List<ClusterRef> clusterRefs = new ArrayList<>();
    /** Paths of files, directories and links: one path, one entry. */
    private final Map<String, SourcePosition> paths = new HashMap<>();
    private final References.Scope scope;

    /** @param directory the herd file's directory, which {@code contents.local} paths are relative to */
    FirstBootReader(Path directory, HerdSource.LocalFiles localFiles, List<String> lines, References references, Problems problems) {
        this(directory, localFiles, lines, references, problems, References.Scope.FIRST_BOOT);
    }

    /** @param scope which template references have a value where the files are used (an image has no server) */
    FirstBootReader(Path directory, HerdSource.LocalFiles localFiles, List<String> lines, References references, Problems problems,
            References.Scope scope) {
        this.scope = scope;
        this.directory = directory;
        this.localFiles = localFiles;
        this.lines = lines;
        this.references = references;
        this.problems = problems;
    }

    /** The {@code ${clusters.NAME...}} references seen so far: implicit dependencies. */
    List<ClusterRef> clusterRefs() {
        return List.copyOf(clusterRefs);
    }

    FirstBoot read(MapReader firstBoot) {
        List<User> users = new ArrayList<>();
        List<FileEntry> files = new ArrayList<>();
        List<Directory> directories = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        List<Unit> units = new ArrayList<>();
        MapReader passwd = section(firstBoot, "passwd", Shape.Herd.PASSWD);
        if (passwd != null) {
            Map<String, SourcePosition> seen = new HashMap<>();
            items(passwd, "users", Shape.Herd.USER, "user", user -> add(users, readUser(user, seen)));
        }
        MapReader storage = section(firstBoot, "storage", Shape.Herd.STORAGE);
        if (storage != null) {
            items(storage, "directories", Shape.Herd.DIRECTORY, "directory", d -> add(directories, readDirectory(d)));
            items(storage, "files", Shape.Herd.FILE, "file", f -> add(files, readFile(f)));
            items(storage, "links", Shape.Herd.LINK, "link", l -> add(links, readLink(l)));
        }
        MapReader systemd = section(firstBoot, "systemd", Shape.Herd.SYSTEMD);
        if (systemd != null) {
            Map<String, SourcePosition> seen = new HashMap<>();
            items(systemd, "units", Shape.Herd.UNIT, "unit", u -> add(units, readUnit(u, seen)));
        }
        return new FirstBoot(users, files, directories, links, units);
    }

    /** The list {@code key} of {@code parent} read as {@code storage.files} entries (an image's {@code files:}). */
    List<FileEntry> files(MapReader parent, String key) {
        List<FileEntry> files = new ArrayList<>();
        items(parent, key, Shape.Herd.FILE, "file", f -> add(files, readFile(f)));
        return files;
    }

    private static <T> void add(List<T> list, T item) {
        if (item != null) {
            list.add(item);
        }
    }

    private MapReader section(MapReader parent, String key, Shape.Fields shape) {
        Entry entry = parent.entry(key);
        return entry == null ? null : MapReader.of(entry, "firstBoot " + key, shape, problems);
    }

    /** Calls {@code each} with a reader for every map in list {@code key}. */
    private void items(MapReader parent, String key, Shape.Fields shape, String what, Consumer<MapReader> each) {
        YamlList list = parent.list(key);
        if (list == null) {
            return;
        }
        for (YamlNode item : list.items()) {
            YamlMap map = MapReader.asMap(item, key + " item", problems);
            if (map != null) {
                each.accept(new MapReader(map, item.position(), what, shape, problems));
            }
        }
    }

    private User readUser(MapReader user, Map<String, SourcePosition> seen) {
        String name = templated(user, "name", true);
        if (name == null) {
            user.required("name", "core");
        } else if (!accountName(name, user.entry("name").value())) {
            name = null;
        } else if (duplicate(seen, name, user.entry("name"))) {
            problems.add(user.entry("name").value().position(), "duplicate user '" + name + "' (first declared at line "
                    + seen.get(name).line() + ")", "declare each user once, with all its keys and groups");
        }
        List<String> keys = new ArrayList<>();
        YamlList keyList = user.list("ssh_authorized_keys");
        if (keyList != null) {
            for (YamlNode item : keyList.items()) {
                String key = templated(item, "ssh_authorized_keys item", true);
                if (key != null && SSH_KEY_PREFIXES.stream().noneMatch(key::startsWith) && !key.startsWith("${")) {
                    problems.add(item.position(), "'" + abbreviate(key) + "' is not an SSH public key",
                            "paste the whole line of your ~/.ssh/id_*.pub file (it starts with ssh-, ecdsa- or sk-)");
                }
                add(keys, key);
            }
        }
        List<String> groups = user.stringList("groups");
        if (groups != null && groups.stream().anyMatch(g -> !ACCOUNT_NAME.matcher(g).matches())) {
            YamlList groupList = user.list("groups");
            for (int i = 0; i < groups.size(); i++) {
                accountName(groups.get(i), groupList.items().get(i));
            }
            groups = null;
        }
        String home = absolute(user, "home_dir");
        String shell = absolute(user, "shell");
        return name == null ? null : new User(name, keys, groups == null ? List.of() : groups, home, shell);
    }

    /** A user or group name useradd and cloud-init accept; templates are checked when resolved. */
    private boolean accountName(String name, YamlNode at) {
        if (name.contains("${") || ACCOUNT_NAME.matcher(name).matches()) {
            return true;
        }
        problems.add(at.position(), "'" + name + "' is not a valid user or group name",
                "use letters, digits, _ . and -, not starting with a digit or -");
        return false;
    }

    private String absolute(MapReader map, String key) {
        String value = templated(map, key, true);
        if (value != null && !value.startsWith("/") && !value.startsWith("${")) {
            problems.add(map.entry(key).value().position(), "'" + key + "' must be an absolute path, got '" + value + "'",
                    "start it with /, e.g. " + (key.equals("shell") ? "/bin/bash" : "/home/core"));
        }
        return value;
    }

    private Directory readDirectory(MapReader dir) {
        String path = path(dir, "directory");
        Integer mode = mode(dir);
        Owner owner = owner(dir);
        return path == null ? null : new Directory(path, mode, owner);
    }

    private FileEntry readFile(MapReader file) {
        String path = path(file, "file");
        Integer mode = mode(file);
        Owner owner = owner(file);
        Boolean overwrite = file.bool("overwrite");
        // No contents: an existing file keeps its contents (a new one is empty), as in Butane.
        String contents = null;
        Entry contentsEntry = file.entry("contents");
        if (contentsEntry != null) {
            MapReader reader = MapReader.of(contentsEntry, "file contents", Shape.Herd.CONTENTS, problems);
            contents = reader == null ? null : contents(reader, contentsEntry.keyPosition());
            if (contents == null) {
                return null;
            }
        }
        return path == null ? null : new FileEntry(path, mode, owner, contents, overwrite == null || overwrite);
    }

    private String contents(MapReader contents, SourcePosition where) {
        boolean inline = contents.has("inline");
        boolean local = contents.has("local");
        if (inline == local) {
            problems.add(inline ? contents.entry("local").keyPosition() : where,
                    inline ? "file contents has both 'inline' and 'local'" : "file contents needs 'inline' or 'local'",
                    "keep exactly one: inline: TEXT, or local: FILE (relative to the herd file)");
            return null;
        }
        if (inline) {
            return templated(contents, "inline", false);
        }
        Entry entry = contents.entry("local");
        String name = MapReader.asString(entry.value(), "local", problems);
        if (name == null) {
            return null;
        }
        Path path = directory.resolve(name);
        try {
            String text = localFiles.read(name, path);
            references.check(text, offset -> entry.value().position(), scope, name + ": ")
                    .forEach(clusterRefs::add);
            return text;
        } catch (NoSuchFileException e) {
            problems.add(entry.value().position(), "local file '" + name + "' not found (looked for " + path.toAbsolutePath() + ")",
                    "local paths are relative to the herd file's directory");
        } catch (CharacterCodingException e) {
            problems.add(entry.value().position(), "local file '" + name + "' is not UTF-8 text", "use inline contents or convert the file");
        } catch (TextFile.NotRegular e) {
            problems.add(entry.value().position(), "cannot read local file '" + name + "': " + e.what(), "name a regular file");
        } catch (TextFile.TooLarge e) {
            problems.add(entry.value().position(), "local file '" + name + "' is too large: " + e.what(),
                    "first-boot files are for configuration; put large data into the image (drover bake)");
        } catch (IOException e) {
            problems.add(entry.value().position(), "cannot read local file '" + name + "': " + FileErrors.describe(e),
                    "check that it is a readable file");
        }
        return null;
    }

    private Link readLink(MapReader link) {
        String path = path(link, "link");
        String target = templated(link, "target", true);
        if (target == null) {
            link.required("target", "/path/it/points/to");
        }
        Boolean hard = link.bool("hard");
        if (target != null && hard != null && hard && !target.startsWith("/") && !target.startsWith("${")) {
            problems.add(link.entry("target").value().position(), "the target of a hard link must be absolute, got '" + target + "'",
                    "start it with /, or make it a symbolic link (hard: false)");
            target = null;
        }
        Owner owner = owner(link);
        return path == null || target == null ? null : new Link(path, target, hard != null && hard, owner);
    }

    private Unit readUnit(MapReader unit, Map<String, SourcePosition> seen) {
        String name = unit.requiredString("name", "web.service");
        if (name != null) {
            Entry nameEntry = unit.entry("name");
            if (!UNIT_NAME.matcher(name).matches()) {
                problems.add(nameEntry.value().position(), "'" + name + "' is not a systemd unit name",
                        "end it with .service, .socket, .timer, .target, .path, .mount or .slice");
                name = null;
            } else if (duplicate(seen, name, nameEntry)) {
                problems.add(nameEntry.value().position(), "duplicate unit '" + name + "' (first declared at line "
                        + seen.get(name).line() + ")", "declare each unit once; add drop-ins to it under 'dropins:'");
            }
        }
        Boolean enabled = unit.bool("enabled");
        String contents = null;
        Entry contentsEntry = unit.entry("contents");
        if (contentsEntry != null) {
            contents = unitFile(contentsEntry, name == null ? "unit" : name, name != null && name.endsWith(".service"));
        }
        List<Unit.DropIn> dropins = new ArrayList<>();
        Map<String, SourcePosition> seenDropins = new HashMap<>();
        items(unit, "dropins", Shape.Herd.DROPIN, "drop-in", d -> add(dropins, readDropIn(d, seenDropins)));
        return name == null ? null : new Unit(name, enabled, contents, dropins);
    }

    private Unit.DropIn readDropIn(MapReader dropin, Map<String, SourcePosition> seen) {
        String name = dropin.requiredString("name", "10-env.conf");
        if (name != null) {
            Entry nameEntry = dropin.entry("name");
            if (!DROPIN_NAME.matcher(name).matches()) {
                problems.add(nameEntry.value().position(), "drop-in name '" + name + "' must end with .conf",
                        "use letters, digits and :_.@- ending with .conf, e.g. 10-override.conf");
                name = null;
            } else if (duplicate(seen, name, nameEntry)) {
                problems.add(nameEntry.value().position(), "duplicate drop-in '" + name + "'", "merge the two drop-ins or rename one");
            }
        }
        Entry contentsEntry = dropin.required("contents", "|");
        String contents = contentsEntry == null ? null : unitFile(contentsEntry, name == null ? "drop-in" : name, false);
        return name == null || contents == null ? null : new Unit.DropIn(name, contents);
    }

    private String unitFile(Entry entry, String name, boolean needsExecStart) {
        YamlScalar scalar = MapReader.asScalar(entry.value(), entry.key(), problems);
        if (scalar == null) {
            return null;
        }
        IntFunction<SourcePosition> positions = scalar.positions(lines);
        // A variable is substituted into one line of the unit: a line break in it would add lines (and settings).
        references.check(scalar.text(), positions, References.Scope.FIRST_BOOT, "", true).forEach(clusterRefs::add);
        UnitFiles.check(scalar.text(), name, needsExecStart, positions, scalar.position(), problems);
        return scalar.text();
    }

    /** An absolute, normalized path used once; {@code null} (and a problem) otherwise. */
    private String path(MapReader map, String kind) {
        String path = map.requiredString("path", kind.equals("file") ? "/etc/motd" : "/var/lib/app");
        if (path == null) {
            return null;
        }
        SourcePosition at = map.entry("path").value().position();
        String hint = "write an absolute path, e.g. " + (kind.equals("file") ? "/etc/motd" : "/var/lib/app");
        if (path.contains("${")) {
            problems.add(at, kind + " path '" + path + "' cannot contain a template", hint);
            return null;
        }
        if (!path.startsWith("/")) {
            problems.add(at, kind + " path '" + path + "' must be absolute", hint);
            return null;
        }
        if (List.of(path.split("/")).contains("..")) {
            problems.add(at, kind + " path '" + path + "' must not contain '..'", hint);
            return null;
        }
        if (path.contains("//") || List.of(path.split("/")).contains(".") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(at, kind + " path '" + path + "' must be a plain path without //, . segments or control characters", hint);
            return null;
        }
        if (path.length() > 1 && path.endsWith("/")) {
            if (!kind.equals("directory")) {
                problems.add(at, kind + " path '" + path + "' must not end with /", "remove the trailing /, or declare it under directories");
                return null;
            }
            path = path.replaceAll("/+$", "");
        }
        SourcePosition first = paths.putIfAbsent(path, at);
        if (first != null) {
            problems.add(at, "duplicate path '" + path + "' (already declared at line " + first.line() + ")",
                    "a path can be one file, directory or link: remove one of them");
            return null;
        }
        return path;
    }

    /** Permission bits: {@code 0644} and {@code 0o644} are octal, {@code 420} decimal (as Butane reads them). */
    private Integer mode(MapReader map) {
        Entry entry = map.entry("mode");
        if (entry == null) {
            return null;
        }
        String hint = "write octal like 0644 (unquoted) or decimal like 420";
        if (!(entry.value() instanceof YamlScalar scalar) || scalar.style() != YamlScalar.Style.PLAIN) {
            problems.add(entry.value().position(), "mode must be an unquoted number, got " + MapReader.describe(entry.value()), hint);
            return null;
        }
        String text = scalar.text();
        long mode;
        try {
            var octal = OCTAL.matcher(text);
            if (octal.matches() && !text.equals("0")) {
                mode = Long.parseLong(octal.group(1), 8);
            } else if (DECIMAL.matcher(text).matches()) {
                mode = Long.parseLong(text);
            } else {
                problems.add(scalar.position(), "mode '" + text + "' is not a number", hint);
                return null;
            }
        } catch (NumberFormatException e) {
            mode = Long.MAX_VALUE;
        }
        if (mode > 07777) {
            problems.add(scalar.position(), "mode " + text + " is out of range", "use 0 to 07777 (decimal 4095), e.g. 0644");
            return null;
        }
        return (int) mode;
    }

    /** Butane's {@code user: {name: X}} and {@code group: {name: Y}}. */
    private Owner owner(MapReader map) {
        String user = ownerName(map, "user");
        String group = ownerName(map, "group");
        return user == null && group == null ? Owner.ROOT : new Owner(user, group);
    }

    private String ownerName(MapReader map, String key) {
        Entry entry = map.entry(key);
        if (entry == null) {
            return null;
        }
        MapReader owner = MapReader.of(entry, key, Shape.Herd.OWNER, problems);
        String name = owner == null ? null : owner.requiredString("name", "core");
        return name == null || !accountName(name, owner.entry("name").value()) ? null : name;
    }

    private boolean duplicate(Map<String, SourcePosition> seen, String name, Entry entry) {
        return seen.putIfAbsent(name, entry.value().position()) != null;
    }

    /**
     * A string that is resolved per server: its template references are checked.
     *
     * @param singleLine the value must be one line (a name, a path, a key), with what variables put into it
     */
    private String templated(MapReader map, String key, boolean singleLine) {
        Entry entry = map.entry(key);
        return entry == null ? null : templated(entry.value(), key, singleLine);
    }

    private String templated(YamlNode node, String key, boolean singleLine) {
        YamlScalar scalar = MapReader.asScalar(node, key, problems);
        if (scalar == null || (singleLine && !MapReader.isOneLine(scalar, key, problems))) {
            return null;
        }
        return templated(scalar, singleLine);
    }

    private String templated(YamlScalar scalar, boolean singleLine) {
        references.check(scalar.text(), scalar.positions(lines), scope, "", singleLine)
                .forEach(clusterRefs::add);
        return scalar.text();
    }

    private static String abbreviate(String text) {
        return text.length() <= 24 ? text : text.substring(0, 21) + "...";
    }
}
