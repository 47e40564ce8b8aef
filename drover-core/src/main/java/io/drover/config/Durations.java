package io.drover.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as herd files write them: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, or sums like {@code 1m30s}. */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    public static final String HINT = "write a whole number followed by ms, s, m or h, e.g. 500ms, 2s, 1m or 1m30s";

    private Durations() {}

    /** The duration, or {@code null} when {@code text} is not one (or absurdly large). {@code 0} is zero. */
    public static Duration parse(String text) {
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(text).matches()) {
            return null;
        }
        try {
            Duration total = Duration.ZERO;
            Matcher part = PART.matcher(text);
            while (part.find()) {
                long amount = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                });
            }
            return total;
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
