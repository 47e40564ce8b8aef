package io.drover.provider.openstack.client;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A Glance v2 image.
 *
 * @param checksum the legacy MD5 of the data, or null before upload
 * @param hashAlgo the algorithm of the "multihash" {@code os_hash_value} (usually sha512), or null
 */
public record GlanceImage(
        String id,
        String name,
        String status,
        String checksum,
        String hashAlgo,
        String hashValue,
        List<String> tags,
        Instant createdAt,
        long size) {

    public GlanceImage {
        tags = List.copyOf(tags);
    }

    static GlanceImage from(JsonNode image) {
        return new GlanceImage(
                OpenStackJson.text(image, "id"),
                OpenStackJson.text(image, "name"),
                OpenStackJson.text(image, "status"),
                OpenStackJson.text(image, "checksum"),
                OpenStackJson.text(image, "os_hash_algo"),
                OpenStackJson.text(image, "os_hash_value"),
                OpenStackJson.strings(image, "tags"),
                OpenStackJson.instant(OpenStackJson.text(image, "created_at")),
                image.path("size").asLong(0));
    }
}
