package io.drover.engine;

import io.drover.image.ImageSources;
import io.drover.spi.Capability;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.ProviderException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Resolved images by provider and reference, reused for {@link #REFRESH}. */
final class ImageCache {
    /**
     * How long a resolved image is reused by a long-lived engine (heal's): an image published anew under the same name is
     * seen within this time, and a cloud is not asked for it on every pass. A command's engine resolves once anyway.
     */
    static final Duration REFRESH = Duration.ofMinutes(1);

    private final HerdProviders providers;
    private final Path herdDirectory;
    private final Clock clock;
    private final Map<String, Resolved> images = new HashMap<>();

    private record Resolved(Image image, Instant at) {}

    ImageCache(HerdProviders providers, Path herdDirectory, Clock clock) {
        this.providers = providers;
        this.herdDirectory = herdDirectory;
        this.clock = clock;
    }

    /** An image of a provider, resolved at most {@link #REFRESH} ago by this cache. */
    Image image(String provider, String reference) throws ProviderException {
        String key = provider + "\0" + reference;
        Instant now = clock.instant();
        synchronized (images) {
            Resolved r = images.get(key);
            if (r != null && now.isBefore(r.at().plus(REFRESH))) {
                return r.image();
            }
        }
        Image image;
        try {
            ImageSource source = ImageSources.of(herdDirectory, reference);
            if (source instanceof ImageSource.Baked baked && !providers.capabilities(provider).contains(Capability.BAKED_IMAGES)) {
                throw new ProviderException("image '" + baked.name() + "' is baked, and this provider runs no baked images:"
                        + " use an image the cloud has, or a provider that runs baked images (local, openstack)");
            }
            image = providers.get(provider).resolveImage(source);
        } catch (ProviderException e) {
            throw providers.named(provider, e);
        }
        synchronized (images) {
            images.put(key, new Resolved(image, now));
        }
        return image;
    }
}
