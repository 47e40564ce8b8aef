package io.drover.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The text a herd was read from: the herd file and every {@code contents.local} file it named. Apply records it in
 * the state, so that {@code drover heal} can rebuild servers from exactly what was last applied, whatever the herd
 * file on disk says meanwhile.
 *
 * @param localFiles each local file's contents, by the name the herd file gives it
 */
public record HerdSource(String text, Map<String, String> localFiles) {
    public HerdSource {
        Objects.requireNonNull(text, "text");
        localFiles = Collections.unmodifiableMap(new LinkedHashMap<>(localFiles));
    }

    /** Where the loader finds local files: on disk (recording what it read), or in a recorded source. */
    interface LocalFiles {
        String read(String name, Path resolved) throws IOException;

        Map<String, String> read();
    }

    /** Local files read from disk, remembered for the herd's source. */
    static LocalFiles fromDisk() {
        Map<String, String> seen = new LinkedHashMap<>();
        return new LocalFiles() {
            @Override
            public String read(String name, Path resolved) throws IOException {
                String text = TextFile.read(resolved);
                seen.put(name, text);
                return text;
            }

            @Override
            public Map<String, String> read() {
                return seen;
            }
        };
    }

    /** Local files as they were when this source was recorded. */
    LocalFiles recorded() {
        return new LocalFiles() {
            @Override
            public String read(String name, Path resolved) throws IOException {
                String text = localFiles.get(name);
                if (text == null) {
                    throw new NoSuchFileException(resolved.toString(), null, "not in the recorded herd source");
                }
                return text;
            }

            @Override
            public Map<String, String> read() {
                return localFiles;
            }
        };
    }
}
