package io.drover.config;

import java.nio.file.Path;

/**
 * There is no herd file where one was looked for. Still a {@link ConfigException} (one problem, at the file) for
 * callers that only need to know the herd could not be read; a command line says it apart: no file is not a file
 * with one problem in it.
 */
public final class HerdFileMissingException extends ConfigException {
    private final Path file;

    public HerdFileMissingException(Path file) {
        super(new Problem(SourcePosition.unknown(file), "herd file not found",
                "write one (see docs/herd-file.md) or point to yours with -f FILE"));
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
