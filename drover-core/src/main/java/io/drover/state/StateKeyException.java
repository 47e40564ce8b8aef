package io.drover.state;

/**
 * The state could not be encrypted or decrypted: a key is missing, malformed or wrong, or the encrypted state
 * was made for another herd or tampered with. Nothing was changed.
 */
public class StateKeyException extends StateException {
    public StateKeyException(String message) {
        super(message);
    }

    public StateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
