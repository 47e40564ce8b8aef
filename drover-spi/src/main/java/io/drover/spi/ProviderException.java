package io.drover.spi;

/**
 * A provider operation failed. The message is for the user: say what failed and what to do about it.
 * {@link #retryable()} tells the engine whether trying again later may succeed (timeouts, 5xx, 429).
 */
public class ProviderException extends Exception {
    private final boolean retryable;

    public ProviderException(String message) {
        this(message, false, null);
    }

    public ProviderException(String message, Throwable cause) {
        this(message, false, cause);
    }

    public ProviderException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
