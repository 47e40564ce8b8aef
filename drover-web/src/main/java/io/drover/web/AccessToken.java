package io.drover.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The secret a client must show when the web view is bound off loopback. Compared in constant time (over
 * SHA-256 digests, so neither the content nor the length leaks through timing).
 */
public final class AccessToken {
    /** URL- and cookie-safe, long enough to resist guessing. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._~-]{16,256}");

    private final String value;
    private final byte[] digest;

    private AccessToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** 256 random bits, base64url. */
    public static AccessToken generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new AccessToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * A token chosen by the user (from a file or the environment).
     *
     * @param where where it came from, for the error message
     */
    public static AccessToken of(String value, String where) {
        String v = value == null ? "" : value.strip();
        if (!SHAPE.matcher(v).matches()) {
            throw new IllegalArgumentException("the token from " + where + " must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -"
                    + " (generate one with: head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')");
        }
        return new AccessToken(v);
    }

    /** Whether a presented token is this one; constant time whatever is presented. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The secret itself, to print once for the user. */
    public String value() {
        return value;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AccessToken[hidden]";
    }
}
