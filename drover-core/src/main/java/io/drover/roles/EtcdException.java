package io.drover.roles;

/**
 * An etcd membership operation failed; the message says which and why. Subclasses say what kind of failure it is;
 * {@link #isTransient()} whether trying again later may succeed (an election, a member still catching up).
 */
public class EtcdException extends Exception {
    private final boolean transientFailure;

    public EtcdException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public EtcdException(String message) {
        this(message, null, false);
    }

    public EtcdException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
