package io.drover.render;

import java.util.function.UnaryOperator;

/**
 * A regular file ({@code storage.files[]} in Butane).
 *
 * @param mode permission bits (e.g. 0644), or {@code null} for the default 0644
 * @param contents the file's text ({@code contents.inline}, or a {@code contents.local} file read at load time)
 * @param overwrite replace a file already in the image
 */
public record FileEntry(String path, Integer mode, Owner owner, String contents, boolean overwrite) {
    FileEntry mapStrings(UnaryOperator<String> f) {
        return new FileEntry(path, mode, owner, FirstBoot.map(f, contents), overwrite);
    }
}
