package io.drover.state;

/**
 * The stored state is encrypted but the herd file configures no {@code state.encryption}: most often someone
 * removed the block to turn encryption off. Removing it cannot decrypt the state, so the message says how:
 * {@code drover state migrate --decrypt} with the block still in, then remove it.
 */
public class EncryptedStateException extends StateKeyException {
    public EncryptedStateException(String where) {
        super("the state at " + where + " is encrypted, but the herd file has no state.encryption. To stop encrypting the"
                + " state, put the encryption block back for one command, 'drover state migrate --to BACKEND --decrypt'"
                + " (BACKEND: where the state is now), which rewrites it unencrypted, then remove the block; otherwise add"
                + " state.encryption with the herd's key (see docs/state.md)");
    }
}
