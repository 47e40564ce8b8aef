package io.drover.image;

import io.drover.spi.ImageSource;
import io.drover.spi.ProviderException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a cluster's image reference stands for, in one place: a directory holding a baked image's manifest (the image
 * store's, which {@code ${images.NAME}} becomes, or one named by path) is that baked image, its digest and files;
 * anything else is a name the provider looks up. Providers never look at paths to tell the two apart.
 */
public final class ImageSources {
    /**
     * The file name prefix of the reference a {@code ${images.NAME}} becomes when no image of that name was ever baked
     * (and the mirror could not be asked which one to bake): resolving it says to bake.
     */
    public static final String NOT_BAKED = "not-baked-";

    private ImageSources() {}

    /**
     * The source of {@code reference}, a relative path taken from {@code herdDirectory}.
     *
     * @throws ProviderException (not retryable) for the reference of an image that was never baked
     */
    public static ImageSource of(Path herdDirectory, String reference) throws ProviderException {
        Optional<Path> dir = directory(herdDirectory, reference);
        if (dir.isPresent()) {
            Optional<BakedImage> baked = BakedImage.read(dir.get());
            if (baked.isPresent()) {
                return baked.get().source();
            }
            Path file = dir.get().getFileName();
            if (reference.contains("/") && file != null && file.toString().startsWith(NOT_BAKED)) {
                throw new ProviderException("image '" + file.toString().substring(NOT_BAKED.length())
                        + "' is not baked: run 'drover bake' first");
            }
        }
        return new ImageSource.Named(reference);
    }

    private static Optional<Path> directory(Path herdDirectory, String reference) {
        if (reference.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(herdDirectory.resolve(reference).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty(); // a cloud's image name that is no path: a name
        }
    }
}
