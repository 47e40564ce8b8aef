package io.drover.state;

/** The stored state cannot be parsed: it is not a state Drover wrote, or it was damaged. */
public class DamagedStateException extends StateException {
    public DamagedStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
