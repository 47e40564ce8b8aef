package io.drover.spi;

import java.util.Objects;

/**
 * An image as the cloud knows it.
 *
 * @param reference what the herd file said, e.g. {@code host} or {@code flatcar-stable}
 * @param id the cloud's id for it
 * @param digest a content digest ({@code sha256:...}); part of every server's identity, so a new image
 *     under the same name replaces the servers built from the old one
 */
public record Image(String reference, String id, String digest) {
    public Image {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digest, "digest");
    }
}
