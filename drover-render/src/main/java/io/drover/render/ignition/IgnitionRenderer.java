package io.drover.render.ignition;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a {@link FirstBoot} as an Ignition v3 config (what Flatcar and Fedora CoreOS read at first boot).
 *
 * <p>Every field written exists unchanged in spec 3.0 through 3.3, so the version only sets {@code
 * ignition.version}; it still matters because an image's Ignition refuses specs newer than it knows. Output is
 * deterministic (sorted keys, lists in the order given, trailing newline) so that the same herd file yields the
 * same bytes and a changed config shows up as a changed hash.
 */
public final class IgnitionRenderer {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final IgnitionVersion version;

    public IgnitionRenderer(IgnitionVersion version) {
        this.version = Objects.requireNonNull(version, "version");
    }

    public IgnitionRenderer() {
        this(IgnitionVersion.DEFAULT);
    }

    public IgnitionVersion version() {
        return version;
    }

    /** @throws io.drover.render.InvalidFirstBootException if no Ignition could apply the config */
    public byte[] render(FirstBoot config) {
        FirstBootValidator.check(config);
        SortedMap<String, Object> root = new TreeMap<>();
        root.put("ignition", Map.of("version", version.spec()));
        if (!config.users().isEmpty()) {
            root.put("passwd", Map.of("users", config.users().stream().map(IgnitionRenderer::user).toList()));
        }
        SortedMap<String, Object> storage = new TreeMap<>();
        putIfNotEmpty(storage, "files", config.files().stream().map(IgnitionRenderer::file).toList());
        putIfNotEmpty(storage, "directories", config.directories().stream().map(IgnitionRenderer::directory).toList());
        putIfNotEmpty(storage, "links", config.links().stream().map(IgnitionRenderer::link).toList());
        putIfNotEmpty(root, "storage", storage);
        if (!config.units().isEmpty()) {
            root.put("systemd", Map.of("units", config.units().stream().map(IgnitionRenderer::unit).toList()));
        }
        // Map.of above holds a single key, so the whole tree still serializes with sorted keys.
        return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static SortedMap<String, Object> user(User user) {
        SortedMap<String, Object> json = new TreeMap<>();
        json.put("name", user.name());
        putIfNotEmpty(json, "sshAuthorizedKeys", user.sshAuthorizedKeys());
        putIfNotEmpty(json, "groups", user.groups());
        putIfNotNull(json, "homeDir", user.homeDir());
        putIfNotNull(json, "shell", user.shell());
        return json;
    }

    private static SortedMap<String, Object> file(FileEntry file) {
        SortedMap<String, Object> json = node(file.path(), file.owner());
        putIfNotNull(json, "mode", file.mode());
        if (file.contents() != null) {
            json.put("contents", Map.of("source", DataUrls.of(file.contents())));
        }
        if (file.overwrite()) {
            json.put("overwrite", true);
        }
        return json;
    }

    private static SortedMap<String, Object> directory(Directory dir) {
        SortedMap<String, Object> json = node(dir.path(), dir.owner());
        putIfNotNull(json, "mode", dir.mode());
        return json;
    }

    private static SortedMap<String, Object> link(Link link) {
        SortedMap<String, Object> json = node(link.path(), link.owner());
        json.put("target", link.target());
        if (link.hard()) {
            json.put("hard", true);
        }
        return json;
    }

    private static SortedMap<String, Object> node(String path, Owner owner) {
        SortedMap<String, Object> json = new TreeMap<>();
        json.put("path", path);
        if (owner != null && owner.user() != null) {
            json.put("user", Map.of("name", owner.user()));
        }
        if (owner != null && owner.group() != null) {
            json.put("group", Map.of("name", owner.group()));
        }
        return json;
    }

    private static SortedMap<String, Object> unit(Unit unit) {
        SortedMap<String, Object> json = new TreeMap<>();
        json.put("name", unit.name());
        putIfNotNull(json, "enabled", unit.enabled());
        putIfNotNull(json, "contents", unit.contents());
        List<Object> dropins = new ArrayList<>();
        for (Unit.DropIn dropin : unit.dropins()) {
            SortedMap<String, Object> d = new TreeMap<>();
            d.put("name", dropin.name());
            putIfNotNull(d, "contents", dropin.contents());
            dropins.add(d);
        }
        putIfNotEmpty(json, "dropins", dropins);
        return json;
    }

    private static void putIfNotNull(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> json, String key, List<?> value) {
        if (!value.isEmpty()) {
            json.put(key, value);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> json, String key, Map<?, ?> value) {
        if (!value.isEmpty()) {
            json.put(key, value);
        }
    }
}
