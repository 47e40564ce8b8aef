package io.drover.spi;

import java.util.Objects;

/**
 * An image as the cloud knows it.
 *
 * @param source what it was resolved from (the herd file's name for it, or a baked image)
 * @param id the cloud's id for it
 * @param digest a content digest ({@code sha256:...}); part of every server's identity, so a new image
 *     under the same name replaces the servers built from the old one
 */
public record Image(ImageSource source, String id, String digest) {
    public Image {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digest, "digest");
    }

    /** An image resolved from a name the cloud knows. */
    public Image(String reference, String id, String digest) {
        this(new ImageSource.Named(reference), id, digest);
    }

    /** What the herd file said, e.g. {@code host}, {@code flatcar-stable}, or a baked image's name. */
    public String reference() {
        return source.reference();
    }
}
