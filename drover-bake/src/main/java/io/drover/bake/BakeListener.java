package io.drover.bake;

import io.drover.image.BakedImage;
import java.nio.file.Path;
import java.time.Duration;

/** What a bake reports as it goes, for progress on the terminal (and JSON lines). */
public interface BakeListener {
    BakeListener NONE = new BakeListener() {};

    /** The image with this recipe's digest is in the store: nothing to do. */
    default void upToDate(Recipe recipe, BakedImage image) {}

    /** A build begins; its full output goes to {@code log}. */
    default void started(Recipe recipe, Path log) {}

    default void stepStarted(Recipe recipe, String step, String detail) {}

    default void stepFinished(Recipe recipe, String step, Duration took) {}

    default void built(Recipe recipe, BakedImage image, Duration took) {}
}
