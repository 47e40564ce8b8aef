package io.drover.config;

/**
 * One thing wrong with a herd file: where, what, and how to fix it.
 * Printed as {@code drover.yaml:12:5: size must be at least 1, got 0 (set size to 1 or more)}.
 */
public record Problem(SourcePosition where, String message, String hint) {
    @Override
    public String toString() {
        return where + ": " + message + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
