package io.drover.state;

/** The state could not be read, written or locked; the message says what to do. */
public class StateException extends Exception {
    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
