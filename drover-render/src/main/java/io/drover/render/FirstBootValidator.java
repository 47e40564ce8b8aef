package io.drover.render;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rejects first-boot configs that Ignition or cloud-init would reject (or, worse, apply differently), before
 * anything is rendered or launched. Both renderers call it, so a mistake is reported the same way whatever the
 * image reads.
 */
public final class FirstBootValidator {
    // systemd's unit types; Ignition refuses a unit whose name has none of them.
    private static final Pattern UNIT_NAME = Pattern.compile(
            "[A-Za-z0-9:_.\\\\@-]+\\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)");
    private static final Pattern DROPIN_NAME = Pattern.compile("[A-Za-z0-9:_.@-]+\\.conf");
    // What useradd and cloud-init's "owner: user:group" both accept.
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?");

    private FirstBootValidator() {}

    /** Throws {@link InvalidFirstBootException} for the first problem found. */
    public static void check(FirstBoot config) {
        List<User> users = config.users();
        for (int i = 0; i < users.size(); i++) {
            User user = users.get(i);
            String where = "passwd.users[" + i + "]";
            accountName(user.name(), where + ".name");
            for (String group : user.groups()) {
                accountName(group, where + ".groups");
            }
            for (String key : user.sshAuthorizedKeys()) {
                if (key == null || key.isBlank() || key.contains("\n")) {
                    fail(where + ".sshAuthorizedKeys", "holds an empty or multi-line key; give one key per list item");
                }
            }
            if (user.homeDir() != null) {
                absolutePath(user.homeDir(), where + ".homeDir");
            }
        }
        Map<String, String> seenPaths = new HashMap<>();
        for (int i = 0; i < config.files().size(); i++) {
            FileEntry file = config.files().get(i);
            String where = "storage.files[" + i + "]";
            node(file.path(), where, seenPaths);
            mode(file.mode(), where + ".mode");
            owner(file.owner(), where);
        }
        for (int i = 0; i < config.directories().size(); i++) {
            Directory dir = config.directories().get(i);
            String where = "storage.directories[" + i + "]";
            node(dir.path(), where, seenPaths);
            mode(dir.mode(), where + ".mode");
            owner(dir.owner(), where);
        }
        for (int i = 0; i < config.links().size(); i++) {
            Link link = config.links().get(i);
            String where = "storage.links[" + i + "]";
            node(link.path(), where, seenPaths);
            if (link.target() == null || link.target().isEmpty()) {
                fail(where + ".target", "is missing; say what the link points to");
            }
            if (link.hard()) {
                absolutePath(link.target(), where + ".target");
            }
            owner(link.owner(), where);
        }
        Map<String, Integer> seenUnits = new HashMap<>();
        for (int i = 0; i < config.units().size(); i++) {
            Unit unit = config.units().get(i);
            String where = "systemd.units[" + i + "]";
            if (unit.name() == null || !UNIT_NAME.matcher(unit.name()).matches()) {
                fail(where + ".name", "\"" + unit.name() + "\" is not a systemd unit name; use e.g. app.service or backup.timer");
            }
            Integer earlier = seenUnits.put(unit.name(), i);
            if (earlier != null) {
                fail(where + ".name", "\"" + unit.name() + "\" is also systemd.units[" + earlier + "]; merge the two entries");
            }
            for (int j = 0; j < unit.dropins().size(); j++) {
                Unit.DropIn dropin = unit.dropins().get(j);
                if (dropin.name() == null || !DROPIN_NAME.matcher(dropin.name()).matches()) {
                    fail(where + ".dropins[" + j + "].name",
                            "\"" + dropin.name() + "\" is not a drop-in file name; use e.g. 10-override.conf");
                }
            }
        }
    }

    private static void node(String path, String where, Map<String, String> seenPaths) {
        absolutePath(path, where + ".path");
        String earlier = seenPaths.put(path, where);
        if (earlier != null) {
            fail(where + ".path", "\"" + path + "\" is also " + earlier + "; a path can be configured only once");
        }
    }

    private static void absolutePath(String path, String where) {
        if (path == null || !path.startsWith("/")) {
            fail(where, "\"" + path + "\" must be an absolute path; start it with /");
        }
        if (path.length() > 1 && path.endsWith("/")) {
            fail(where, "\"" + path + "\" must not end with /");
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (path.length() > 1 && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                fail(where, "\"" + path + "\" must be a plain path without //, . or .. segments");
            }
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            fail(where, "\"" + path + "\" contains a control character");
        }
    }

    private static void mode(Integer mode, String where) {
        if (mode != null && (mode < 0 || mode > 07777)) {
            fail(where, Integer.toOctalString(mode) + " (octal) is not a permission mode; use e.g. 0644 or 0755");
        }
    }

    private static void owner(Owner owner, String where) {
        if (owner == null) {
            return;
        }
        if (owner.user() != null) {
            accountName(owner.user(), where + ".user.name");
        }
        if (owner.group() != null) {
            accountName(owner.group(), where + ".group.name");
        }
    }

    private static void accountName(String name, String where) {
        if (name == null || !ACCOUNT_NAME.matcher(name).matches()) {
            fail(where, "\"" + name + "\" is not a valid user or group name; use letters, digits, _ . - (not starting with a digit)");
        }
    }

    private static void fail(String where, String problem) {
        throw new InvalidFirstBootException("firstBoot: " + where + " " + problem + ".");
    }
}
