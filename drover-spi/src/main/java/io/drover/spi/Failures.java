package io.drover.spi;

/**
 * The one way Drover turns an exception into words for a person: its message, or its type's name when it has none
 * (a bare {@code NullPointerException} or a {@code TimeoutException} would otherwise print as "null" or nothing).
 * For display only: callers decide on an exception's type, never on this text.
 */
public final class Failures {
    private Failures() {}

    public static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
