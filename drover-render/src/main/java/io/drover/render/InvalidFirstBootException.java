package io.drover.render;

/**
 * A first-boot config that no image could apply, e.g. a relative file path. The message names the offending
 * entry by its herd-file key ({@code storage.files[2].path}) and says how to fix it, so callers print it as is.
 */
public final class InvalidFirstBootException extends IllegalArgumentException {
    public InvalidFirstBootException(String message) {
        super(message);
    }
}
