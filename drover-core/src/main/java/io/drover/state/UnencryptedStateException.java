package io.drover.state;

/**
 * The herd file configures encryption but the stored state is not encrypted. Refused, so that a plaintext state
 * planted by someone (or left from before encryption was configured) is never silently trusted or rewritten;
 * {@code drover state migrate --from-unencrypted} encrypts it once, on purpose.
 */
public class UnencryptedStateException extends StateException {
    public UnencryptedStateException(String where) {
        super("the state at " + where + " is not encrypted, but the herd file configures state.encryption. If you just turned"
                + " encryption on, encrypt it once with 'drover state migrate --to BACKEND --from-unencrypted' (BACKEND: where"
                + " it is now); if you decrypted it with 'drover state migrate --decrypt', remove state.encryption from the herd"
                + " file; otherwise someone replaced the encrypted state: find out who before going on");
    }
}
