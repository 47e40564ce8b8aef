package io.drover.spi;

/**
 * A provider operation failed. The message is for the user: say what failed and what to do about it.
 * {@link #retryable()} tells the engine whether trying again later may succeed (timeouts, 5xx, 429). A failure that
 * knows how long to wait (an HTTP {@code Retry-After}) says so by also implementing {@link io.drover.retry.Retry.Hinted}.
 *
 * <p>An interrupted call is never retryable: the interrupt is how the engine ends a call (a heal that stops, a
 * deadline that passed, a Ctrl-C), so a provider that is interrupted while it waits restores the thread's interrupt
 * flag and throws {@link #interrupted}.
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

    /**
     * The failure of a call that was interrupted while it waited: not retryable, and with the thread's interrupt flag
     * set again, so that the caller (and any retry loop) ends too.
     *
     * @param what what the call was doing, e.g. {@code starting server web-0-1}
     */
    public static ProviderException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ProviderException("interrupted while " + what, false, e);
    }

    public boolean retryable() {
        return retryable;
    }
}
