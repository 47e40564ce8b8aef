package io.drover.render.cloudinit;

import io.drover.render.Directory;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.FirstBootValidator;
import io.drover.render.Link;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.render.User;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Renders a {@link FirstBoot} as {@code #cloud-config} user data (what Debian and Ubuntu cloud images read).
 *
 * <p>cloud-init has no notion of directories, links or units, so they become {@code write_files} entries and
 * {@code runcmd} commands. The order of cloud-init's modules decides the rest: {@code write_files} runs before
 * users are created, so files owned by (or living in the home of) a user made at boot are deferred to the final
 * stage, which still runs before {@code runcmd}'s script. Keys come in a fixed order and lists in the order
 * given, so the output is deterministic.
 */
public final class CloudInitRenderer {
    private static final String SYSTEMD_DIR = "/etc/systemd/system/";
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .disable(YAMLWriteFeature.SPLIT_LINES) // an SSH key folded over lines is hard to read and to grep
            // Double-quote every string: cloud-init reads YAML 1.1, where plain on, 0x1F, 1:20, 2024-01-01 or =
            // are no strings, and Jackson's minimal quoting follows YAML 1.2.
            .disable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE) // file contents as readable | blocks
            .build();

    /** @throws io.drover.render.InvalidFirstBootException if no image could apply the config */
    public byte[] render(FirstBoot config) {
        FirstBootValidator.check(config);
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Object> users = new ArrayList<>();
        users.add("default"); // keep the image's own login user (debian, ubuntu) next to ours
        config.users().forEach(u -> users.add(user(u)));
        doc.put("users", users);

        List<Object> writeFiles = new ArrayList<>();
        for (FileEntry file : config.files()) {
            writeFiles.add(file(file, config.users()));
        }
        for (Unit unit : config.units()) {
            if (unit.contents() != null) {
                writeFiles.add(rootFile(SYSTEMD_DIR + unit.name(), unit.contents()));
            }
            for (Unit.DropIn dropin : unit.dropins()) {
                writeFiles.add(rootFile(SYSTEMD_DIR + unit.name() + ".d/" + dropin.name(),
                        dropin.contents() == null ? "" : dropin.contents()));
            }
        }
        if (!writeFiles.isEmpty()) {
            doc.put("write_files", writeFiles);
        }

        List<String> runcmd = new ArrayList<>();
        for (Directory dir : config.directories()) {
            runcmd.add(Shell.command("mkdir", "-p", dir.path()));
            runcmd.add(Shell.command("chmod", octal(dir.mode() == null ? 0755 : dir.mode()), dir.path()));
            runcmd.add(Shell.command("chown", owner(dir.owner()), dir.path()));
        }
        for (Link link : config.links()) {
            runcmd.add(Shell.command("mkdir", "-p", parent(link.path())));
            runcmd.add(link.hard()
                    ? Shell.command("ln", "-fT", link.target(), link.path())
                    : Shell.command("ln", "-sfn", link.target(), link.path()));
            runcmd.add(Shell.command("chown", "-h", owner(link.owner()), link.path()));
        }
        if (!config.units().isEmpty()) {
            runcmd.add(Shell.command("systemctl", "daemon-reload"));
        }
        for (Unit unit : config.units()) {
            // --no-block: runcmd runs inside cloud-final.service; waiting for a unit ordered after it would hang.
            if (Boolean.TRUE.equals(unit.enabled())) {
                runcmd.add(Shell.command("systemctl", "enable", "--now", "--no-block", unit.name()));
            } else if (Boolean.FALSE.equals(unit.enabled())) {
                runcmd.add(Shell.command("systemctl", "disable", "--now", "--no-block", unit.name()));
            }
        }
        if (!runcmd.isEmpty()) {
            doc.put("runcmd", runcmd);
        }
        return ("#cloud-config\n" + YAML.writeValueAsString(doc)).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> user(User user) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("name", user.name());
        if (!user.sshAuthorizedKeys().isEmpty()) { // the schema wants at least one key when the key is present
            yaml.put("ssh_authorized_keys", user.sshAuthorizedKeys());
        }
        if (!user.groups().isEmpty()) {
            yaml.put("groups", user.groups());
        }
        if (user.homeDir() != null) {
            yaml.put("homedir", user.homeDir());
        }
        if (user.shell() != null) {
            yaml.put("shell", user.shell());
        }
        return yaml;
    }

    private static Map<String, Object> file(FileEntry file, List<User> bootUsers) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("path", file.path());
        if (file.contents() == null) {
            // Ignition leaves an existing file's contents alone when none are given; appending nothing does too.
            yaml.put("append", true);
        } else {
            yaml.put("content", file.contents());
        }
        yaml.put("permissions", octal(file.mode() == null ? 0644 : file.mode()));
        yaml.put("owner", owner(file.owner()));
        if (needsUsers(file, bootUsers)) {
            yaml.put("defer", true);
        }
        return yaml;
    }

    private static Map<String, Object> rootFile(String path, String contents) {
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("path", path);
        yaml.put("content", contents);
        yaml.put("permissions", "0644");
        yaml.put("owner", "root:root");
        return yaml;
    }

    /**
     * A file must wait for users-groups if chown needs a user made at boot, or if writing it early would create
     * that user's home directory as root (useradd then skips the skeleton and the user cannot write home).
     */
    private static boolean needsUsers(FileEntry file, List<User> bootUsers) {
        Owner owner = file.owner();
        if (owner != null && (!isRoot(owner.user()) || !isRoot(owner.group()))) {
            return true;
        }
        for (User user : bootUsers) {
            String home = user.homeDir() != null ? user.homeDir() : "/home/" + user.name();
            if (file.path().startsWith(home + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot(String name) {
        return name == null || name.equals("root");
    }

    private static String owner(Owner owner) {
        String user = owner == null || owner.user() == null ? "root" : owner.user();
        String group = owner == null || owner.group() == null ? "root" : owner.group();
        return user + ":" + group;
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
