package io.drover.provider.openstack.client;

import java.io.FileNotFoundException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Glance (image v2). */
public final class GlanceClient extends ServiceClient {

    GlanceClient(OpenStackSession session) {
        super(session, () -> versioned(session.endpoint("image")), Map.of());
    }

    /** The catalog usually names Glance's root ({@code http://host:9292}); the API lives under {@code /v2}. */
    static URI versioned(URI endpoint) {
        String url = endpoint.toString().replaceAll("/+$", "");
        return URI.create(url.matches(".*/v2(\\.\\d+)?$") ? url : url + "/v2");
    }

    /**
     * Creates an image record (status {@code queued}); upload its data with {@link #upload}. When tags are given,
     * an unknown outcome is resolved by looking for a queued image with this name and these tags before retrying.
     */
    public GlanceImage createImage(String name, String diskFormat, String containerFormat, String visibility, List<String> tags) {
        return createImage(name, diskFormat, containerFormat, visibility, tags, Map.of());
    }

    /** {@link #createImage} with extra image properties (e.g. {@code kernel_id}, or Drover's digest). */
    public GlanceImage createImage(String name, String diskFormat, String containerFormat, String visibility, List<String> tags,
            Map<String, String> properties) {
        ObjectNode body = OpenStackJson.object();
        properties.forEach(body::put);
        body.put("name", name);
        body.put("disk_format", diskFormat);
        body.put("container_format", containerFormat);
        if (visibility != null) {
            body.put("visibility", visibility);
        }
        ArrayNode tagArray = body.putArray("tags");
        tags.forEach(tagArray::add);
        ApiCall.Lookup lookup = tags.isEmpty()
                ? null
                : () -> listImages(name, tags.get(0)).stream()
                        .filter(i -> "queued".equals(i.status()) && i.tags().containsAll(tags))
                        .findFirst()
                        .map(i -> get("/images/" + encode(i.id())));
        ApiCall call = call("POST", "/images").withBody("application/json", OpenStackJson.bytes(body)).withLookup(lookup);
        return GlanceImage.from(expectSuccess(call, send(call)));
    }

    /** Uploads an image's data ({@code PUT /images/{id}/file}); PUT, so a failed upload is simply repeated. */
    public void upload(String imageId, Path file) {
        HttpRequest.BodyPublisher data;
        try {
            data = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new OpenStackException("Image file " + file + " does not exist.");
        }
        ApiCall call = new ApiCall("PUT", uri("/images/" + encode(imageId) + "/file"),
                Map.of("Content-Type", "application/octet-stream"), data, null);
        expectSuccess(call, send(call));
    }

    public Optional<GlanceImage> getImage(String id) {
        return find("/images/" + encode(id)).map(GlanceImage::from);
    }

    /** Images visible to the project, filtered by exact name and/or one tag (either may be null). */
    public List<GlanceImage> listImages(String name, String tag) {
        List<String> params = new ArrayList<>();
        params.add("limit=200");
        if (name != null) {
            params.add("name=" + encode(name));
        }
        if (tag != null) {
            params.add("tag=" + encode(tag));
        }
        List<GlanceImage> images = new ArrayList<>();
        for (JsonNode node : listAll("/images?" + String.join("&", params), "images")) {
            images.add(GlanceImage.from(node));
        }
        return images;
    }

    public void deleteImage(String id) {
        delete("/images/" + encode(id));
    }
}
