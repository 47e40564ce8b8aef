package io.drover.provider.openstack;

import io.drover.provider.openstack.client.GlanceImage;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.ProviderException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves a herd file's image reference to a Glance image. A reference is an id or a name; when several
 * active images share the name (the usual way to publish a new build) the newest wins, so uploading a new
 * image under the same name rolls the herd onto it. A baked image is uploaded ({@link BakedImageUpload}).
 */
final class ImageResolver {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final OpenStackClient client;

    ImageResolver(OpenStackClient client) {
        this.client = client;
    }

    Image resolve(ImageSource source) throws ProviderException {
        return switch (source) {
            case ImageSource.Baked baked -> new BakedImageUpload(client).resolve(baked);
            case ImageSource.Named named -> resolve(named.reference());
        };
    }

    private Image resolve(String reference) throws ProviderException {
        Optional<GlanceImage> image = UUID.matcher(reference).matches()
                ? client.glance().getImage(reference)
                : Optional.empty();
        if (image.isEmpty()) {
            List<GlanceImage> named = client.glance().listImages(reference, null);
            image = named.stream()
                    .filter(i -> "active".equals(i.status()))
                    .max(Comparator.comparing(i -> i.createdAt() == null ? Instant.EPOCH : i.createdAt()));
            if (image.isEmpty()) {
                throw new ProviderException(named.isEmpty()
                        ? "Image '" + reference + "' does not exist in Glance. Upload it or use the name or id of "
                                + "an existing image ('openstack image list')."
                        : "Image '" + reference + "' exists but is not active (" + named.get(0).status()
                                + "). Wait for its upload to finish or use another image.");
            }
        }
        GlanceImage found = image.get();
        if (!"active".equals(found.status())) {
            throw new ProviderException("Image " + reference + " is " + found.status() + ", not active. Wait for its upload to finish or use another image.");
        }
        return new Image(reference, found.id(), digest(found));
    }

    /**
     * The content digest Drover keys servers on: Glance's multihash when it is a SHA-2 ({@code os_hash_value},
     * normally sha512), else the legacy MD5 {@code checksum}, else the id (data-less images). The prefix is
     * a fixed {@code sha256:} label whatever the algorithm, as the engine expects one digest format.
     */
    static String digest(GlanceImage image) {
        String algo = image.hashAlgo() == null ? "" : image.hashAlgo().toLowerCase(java.util.Locale.ROOT);
        if ((algo.equals("sha256") || algo.equals("sha512")) && image.hashValue() != null) {
            return "sha256:" + image.hashValue();
        }
        if (image.checksum() != null) {
            return "sha256:" + image.checksum();
        }
        return "sha256:" + image.id();
    }
}
