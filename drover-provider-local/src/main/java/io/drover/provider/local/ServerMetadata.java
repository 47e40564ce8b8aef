package io.drover.provider.local;

import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code server.json}: who a local server is, written before anything else of it so it is never lost track of. */
record ServerMetadata(String id, String name, String ip, String cluster, Map<String, String> tags, Image image, Instant createdAt) {

    static final String FILE = "server.json";

    ServerMetadata {
        tags = Map.copyOf(tags);
    }

    Instance toInstance(Instance.Status status) {
        return new Instance(id, name, ip, status, tags, createdAt);
    }

    void write(JsonMapper mapper, Path serverDir) throws IOException {
        ObjectNode json = mapper.createObjectNode();
        json.put("id", id);
        json.put("name", name);
        json.put("ip", ip);
        json.put("cluster", cluster);
        ObjectNode tagsNode = json.putObject("tags");
        tags.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> tagsNode.put(e.getKey(), e.getValue()));
        ObjectNode imageNode = json.putObject("image");
        imageNode.put("reference", image.reference());
        imageNode.put("id", image.id());
        imageNode.put("digest", image.digest());
        json.put("createdAt", createdAt.toString());
        Path tmp = serverDir.resolve(FILE + ".tmp");
        Files.write(tmp, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        Files.move(tmp, serverDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a server's metadata; IOException if missing or unreadable. */
    static ServerMetadata read(JsonMapper mapper, Path serverDir) throws IOException {
        try {
            JsonNode json = mapper.readTree(Files.readAllBytes(serverDir.resolve(FILE)));
            Map<String, String> tags = new LinkedHashMap<>();
            json.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
            JsonNode image = json.path("image");
            return new ServerMetadata(
                    json.path("id").asString(),
                    json.path("name").asString(),
                    json.path("ip").asString(),
                    json.path("cluster").asString(""),
                    tags,
                    new Image(image.path("reference").asString(""), image.path("id").asString(""), image.path("digest").asString("")),
                    Timestamps.parse(json.path("createdAt").asString()));
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            throw new IOException(serverDir.resolve(FILE) + " is damaged: " + e.getMessage(), e);
        }
    }
}
