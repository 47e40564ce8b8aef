package io.drover.render;

import java.util.regex.Pattern;

/**
 * Writes the words of a systemd command line ({@code ExecStart=} and friends) so that systemd reads each one back
 * as exactly one argument. systemd splits the line at unquoted whitespace, removes quotes and C escapes, then
 * expands specifiers ({@code %S}) in each word, and variables ({@code $X}, {@code ${X}}) when the command runs.
 */
public final class ExecLine {
    /** Words that need no quotes: no whitespace, quotes, backslashes or semicolons. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%$+,{}^~\\[\\]-]+");

    private ExecLine() {}

    /** One argument taken literally: its {@code %} and {@code $} are escaped, so systemd expands nothing in it. */
    public static String literal(String value) {
        return word(noExpansion(value));
    }

    /** {@code %} as {@code %%} and {@code $} as {@code $$}: the text systemd expands back to {@code value}. */
    public static String noExpansion(String value) {
        return value.replace("%", "%%").replace("$", "$$");
    }

    /**
     * One word, quoted when it needs to be. Its specifiers and variables stay as written (use {@link #noExpansion}
     * on the parts that must be taken literally).
     *
     * @throws IllegalArgumentException for a control character (a line break would end the setting and start
     *     another): values are checked for them when the herd file is loaded
     */
    public static String word(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException("a command line argument cannot hold the control character U+"
                        + String.format("%04X", (int) text.charAt(i)) + ": " + text.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
