package io.drover.bake;

import io.drover.config.ImageSpec;
import io.drover.render.FileEntry;
import java.util.List;

/**
 * An image ready to bake: its inputs resolved (templates, the packages a format adds, the base's digest) and the
 * digest over all of them, which names it in the image store.
 *
 * @param packages what apt installs: the image's own packages and those its outputs need, sorted
 * @param files the files with {@code ${var.X}} and {@code ${herd.name}} resolved
 * @param run the steps with templates resolved
 * @param sources the apt sources of a Debian base (empty for derived images, which use their base's)
 * @param parent the image this one starts from, or {@code null}
 */
public record Recipe(
        ImageSpec spec, String digest, List<String> packages, List<FileEntry> files, List<String> run,
        List<AptSource> sources, Recipe parent) {

    public Recipe {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        run = List.copyOf(run);
        sources = List.copyOf(sources);
    }

    public String name() {
        return spec.name();
    }

    /** The hex part of the digest: the image's directory name in the store. */
    public String hex() {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** A short form for messages: {@code sha256:0123456789ab}. */
    public String shortDigest() {
        return digest.substring(0, Math.min(digest.length(), "sha256:".length() + 12));
    }

    public boolean wants(ImageSpec.Format format) {
        return spec.outputs().contains(format);
    }
}
