package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies an Ignition v3 config to a server's root directory, the way Ignition would on a real machine's disk:
 * {@code storage.directories}, {@code storage.files}, {@code storage.links}, {@code systemd.units} (written to
 * {@code etc/systemd/system}) and {@code passwd.users} (only recorded, we are not root). Owners are ignored.
 */
final class IgnitionApplier {

    /**
     * What the config did: the units the supervisor starts (in config order), and the files it wrote (paths
     * relative to the root), which the provider watches for drift.
     */
    record Result(List<String> enabledUnits, List<Path> files) {
        Result {
            enabledUnits = List.copyOf(enabledUnits);
            files = List.copyOf(files);
        }
    }

    private final List<Path> written = new ArrayList<>();

    static final String USERS_FILE = "etc/drover-users.json";
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_DIRECTORY_MODE = 0755;

    private final JsonMapper mapper;
    private final Path root;
    private final boolean chrooted;

    IgnitionApplier(JsonMapper mapper, Path root) {
        this(mapper, root, false);
    }

    /** @param chrooted the server's processes see {@code root} as {@code /}: symbolic links are kept as written */
    IgnitionApplier(JsonMapper mapper, Path root, boolean chrooted) {
        this.chrooted = chrooted;
        this.mapper = mapper;
        this.root = root;
    }

    Result apply(byte[] ignitionJson) throws ProviderException {
        JsonNode config;
        try {
            config = mapper.readTree(ignitionJson);
        } catch (JacksonException e) {
            throw new ProviderException("the first-boot config is not valid Ignition JSON: " + e.getOriginalMessage());
        }
        if (config == null || !config.isObject()) {
            throw new ProviderException("the first-boot config is not an Ignition JSON object");
        }
        String version = config.path("ignition").path("version").asString("");
        if (!version.startsWith("3.")) {
            throw new ProviderException("the first-boot config has Ignition version '" + version
                    + "'; the local provider reads Ignition v3 (ignition.version 3.x.y)");
        }
        try {
            JsonNode storage = config.path("storage");
            each(storage.path("directories"), "storage.directories", this::directory);
            each(storage.path("files"), "storage.files", this::file);
            each(storage.path("links"), "storage.links", this::link);
            List<String> enabled = new ArrayList<>();
            each(config.path("systemd").path("units"), "systemd.units", (unit, where) -> {
                if (unit(unit, where)) {
                    enabled.add(unit.path("name").asString());
                }
            });
            users(config.path("passwd").path("users"));
            return new Result(enabled, written);
        } catch (IOException e) {
            throw new ProviderException("cannot write the server's root " + root + ": " + FileErrors.describe(e), e);
        }
    }

    private interface Entry {
        void apply(JsonNode node, String where) throws IOException, ProviderException;
    }

    private static void each(JsonNode array, String name, Entry entry) throws IOException, ProviderException {
        if (array.isMissingNode() || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            throw new ProviderException("Ignition " + name + " must be an array");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            String where = "Ignition " + name + "[" + i + "]" + (node.has("path") ? " (" + node.path("path").asString() + ")"
                    : node.has("name") ? " (" + node.path("name").asString() + ")" : "");
            try {
                entry.apply(node, where);
            } catch (IllegalArgumentException e) {
                throw new ProviderException(where + ": " + e.getMessage());
            }
        }
    }

    private void directory(JsonNode node, String where) throws IOException, ProviderException {
        Path dir = target(node, where);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!node.path("overwrite").asBoolean(false)) {
                throw new ProviderException(where + ": a file exists there; set overwrite: true to replace it");
            }
            Files.delete(dir);
        }
        Files.createDirectories(dir);
        chmod(dir, node.path("mode").asInt(DEFAULT_DIRECTORY_MODE));
    }

    private void file(JsonNode node, String where) throws IOException, ProviderException {
        Path file = target(node, where);
        boolean overwrite = node.path("overwrite").asBoolean(false);
        JsonNode contents = node.path("contents");
        byte[] data = contents.path("source").isString()
                ? DataUrl.decode(contents.path("source").asString(), contents.path("compression").asString(""))
                : null;
        Files.createDirectories(file.getParent());
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ProviderException(where + ": a directory exists there");
        }
        boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        if (exists && overwrite) {
            Files.delete(file);
            exists = false;
        }
        if (!exists) {
            Files.write(file, data == null ? new byte[0] : data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } else if (data != null && !Arrays.equals(data, Files.readAllBytes(file))) {
            throw new ProviderException(where + ": the image already has this file with other contents; set overwrite: true to replace it");
        }
        JsonNode append = node.path("append");
        for (int i = 0; i < append.size(); i++) {
            JsonNode part = append.get(i);
            Files.write(file, DataUrl.decode(part.path("source").asString(""), part.path("compression").asString("")), StandardOpenOption.APPEND);
        }
        chmod(file, node.path("mode").asInt(DEFAULT_FILE_MODE));
        written.add(root.relativize(file));
    }

    /**
     * Symbolic links keep their target, except that an absolute target which exists inside the server's root
     * points there: servers use the host's programs, but their own files live in the root.
     */
    private void link(JsonNode node, String where) throws IOException, ProviderException {
        Path link = target(node, where);
        String target = node.path("target").asString("");
        if (target.isEmpty()) {
            throw new ProviderException(where + ": a link needs a target");
        }
        boolean hard = node.path("hard").asBoolean(false);
        Path resolvedTarget;
        if (hard) {
            resolvedTarget = inRoot(target, where);
        } else if (!chrooted && target.startsWith("/") && Files.exists(inRoot(target, where), LinkOption.NOFOLLOW_LINKS)) {
            resolvedTarget = inRoot(target, where);
        } else {
            resolvedTarget = Path.of(target);
        }
        Files.createDirectories(link.getParent());
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (!hard && Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(resolvedTarget)) {
                return;
            }
            if (!node.path("overwrite").asBoolean(false)) {
                throw new ProviderException(where + ": something exists there; set overwrite: true to replace it");
            }
            Files.delete(link);
        }
        try {
            if (hard) {
                Files.createLink(link, resolvedTarget);
            } else {
                Files.createSymbolicLink(link, resolvedTarget);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ProviderException(where + ": something exists there", e);
        }
    }

    /** Writes a unit and its drop-ins; returns whether it is enabled (and so started by the supervisor). */
    private boolean unit(JsonNode node, String where) throws IOException, ProviderException {
        String name = node.path("name").asString("");
        if (name.isEmpty() || name.contains("/") || name.contains(",") || name.startsWith(".")) {
            throw new ProviderException(where + ": invalid unit name '" + name + "'");
        }
        Path units = root.resolve("etc/systemd/system");
        Files.createDirectories(units);
        Path file = units.resolve(name);
        if (node.path("mask").asBoolean(false)) {
            Files.deleteIfExists(file);
            Files.createSymbolicLink(file, Path.of("/dev/null"));
            return false;
        }
        if (node.path("contents").isString()) {
            Files.writeString(file, node.path("contents").asString(), StandardCharsets.UTF_8);
            chmod(file, DEFAULT_FILE_MODE);
            written.add(root.relativize(file));
        }
        JsonNode dropins = node.path("dropins");
        for (int i = 0; i < dropins.size(); i++) {
            JsonNode dropin = dropins.get(i);
            String dropinName = dropin.path("name").asString("");
            if (dropinName.isEmpty() || dropinName.contains("/")) {
                throw new ProviderException(where + ": invalid drop-in name '" + dropinName + "'");
            }
            Path dir = units.resolve(name + ".d");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(dropinName), dropin.path("contents").asString(""), StandardCharsets.UTF_8);
            written.add(root.relativize(dir.resolve(dropinName)));
        }
        return node.path("enabled").asBoolean(false);
    }

    /** We cannot create accounts without root; keep them so that tools and tests can see what was asked for. */
    private void users(JsonNode users) throws IOException {
        if (users.isMissingNode() || users.isNull()) {
            return;
        }
        Path file = root.resolve(USERS_FILE);
        Files.createDirectories(file.getParent());
        Files.write(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(users));
    }

    private Path target(JsonNode node, String where) throws ProviderException {
        String path = node.path("path").asString("");
        if (!path.startsWith("/")) {
            throw new ProviderException(where + ": path '" + path + "' must be absolute");
        }
        return inRoot(path, where);
    }

    private Path inRoot(String path, String where) throws ProviderException {
        Path resolved = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new ProviderException(where + ": path '" + path + "' leaves the server's root");
        }
        return resolved;
    }

    static void chmod(Path path, int mode) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE = 0400 .. 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                result.add(bits[i]);
            }
        }
        return result;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }
}
