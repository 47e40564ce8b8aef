package io.drover.bake;

import io.drover.config.ImageSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One apt source of an image: {@code deb URL SUITE main}. A Debian suite's image gets the suite itself, its
 * {@code -updates} suite and its {@code -security} suite (stable suites only), as a Debian installer would set up.
 *
 * @param url the mirror, ending in {@code /}
 */
public record AptSource(String url, String suite) {

    public AptSource {
        url = url.endsWith("/") ? url : url + "/";
    }

    /** The line of {@code /etc/apt/sources.list}. */
    public String line() {
        return "deb " + url + " " + suite + " main";
    }

    /** The sources of an image built from a Debian suite. */
    public static List<AptSource> of(String suite, ImageSpec spec) {
        List<AptSource> sources = new ArrayList<>();
        sources.add(new AptSource(spec.mirror(), suite));
        if (List.of("bullseye", "bookworm", "trixie").contains(suite)) {
            sources.add(new AptSource(spec.mirror(), suite + "-updates"));
            if (spec.securityMirror() != null) {
                sources.add(new AptSource(spec.securityMirror(), suite + "-security"));
            }
        }
        return sources;
    }
}
