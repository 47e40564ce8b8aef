package io.drover.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which state a writer read, for compare-and-swap: the state's lineage (as a SHA-256 digest, so that an
 * encrypted state can show it without revealing the lineage) and its serial. {@link #NONE} is "no state": what
 * a writer read before the herd's first apply.
 */
public record StateVersion(String lineageDigest, long serial) {
    public static final StateVersion NONE = new StateVersion("", 0);

    /** The version of a state a writer holds; a never-written state (serial 0) is {@link #NONE}. */
    public static StateVersion of(State state) {
        return of(state.lineage(), state.serial());
    }

    public static StateVersion of(String lineage, long serial) {
        return serial <= 0 ? NONE : new StateVersion(digest(lineage), serial);
    }

    /** SHA-256 of a lineage, in hex: what an encrypted state keeps in clear instead of the lineage. */
    public static String digest(String lineage) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lineage.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public boolean isNone() {
        return serial == 0;
    }

    public boolean sameLineage(StateVersion other) {
        return lineageDigest.equals(other.lineageDigest);
    }

    /** e.g. {@code serial 7}, {@code no state}. */
    public String describe() {
        return isNone() ? "no state" : "serial " + serial;
    }
}
