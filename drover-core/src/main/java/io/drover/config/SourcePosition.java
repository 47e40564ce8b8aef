package io.drover.config;

import java.nio.file.Path;

/** Where something was written: a file, 1-based line and column. Printed as {@code file:line:column}. */
public record SourcePosition(Path file, int line, int column) {
    public static SourcePosition unknown(Path file) {
        return new SourcePosition(file, 0, 0);
    }

    @Override
    public String toString() {
        return line <= 0 ? String.valueOf(file) : file + ":" + line + ":" + column;
    }
}
