package io.drover.bake;

/**
 * A bake that cannot start or did not finish. The message is for the user (what failed, where the log is, what to
 * do); {@link #kind()} is for decisions.
 */
public final class BakeException extends Exception {

    /** Why a bake failed. */
    public enum Kind {
        /** Baking needs root (mmdebstrap into a directory, chroot, mounts). */
        NOT_ROOT,
        /** A program the bake needs is not installed. */
        MISSING_TOOL,
        /** The Debian mirror could not be asked for its Release files. */
        MIRROR_UNREACHABLE,
        /** A step exited non-zero. */
        STEP_FAILED,
        /** The disk holding the image store filled up. */
        DISK_FULL,
        /** The base image is missing or not usable. */
        BAD_BASE,
        /** Another bake holds the image store. */
        STORE_BUSY,
        /** Reading or writing the image store failed. */
        IO
    }

    private final Kind kind;

    public BakeException(Kind kind, String message) {
        this(kind, message, null);
    }

    public BakeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
