package io.drover.provider.openstack.client;

/**
 * An OpenStack API call failed. The message names the call and the cloud's own explanation, never a
 * credential or a token. Unchecked because almost every client method can throw it and callers translate
 * it once, at the provider boundary.
 */
public class OpenStackException extends RuntimeException {
    private final int status;
    private final boolean retryable;

    public OpenStackException(String message, int status, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    public OpenStackException(String message) {
        this(message, 0, false, null);
    }

    /** The HTTP status of the failed call, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** Whether trying again later may succeed (time-outs, 5xx, 429, connection failures). */
    public boolean retryable() {
        return retryable;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isConflict() {
        return status == 409;
    }
}
