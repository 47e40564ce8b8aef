package io.drover.provider.local;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** systemd time spans ({@code 100ms}, {@code 5s}, {@code 1min 30s}, a bare number is seconds). JDK only. */
final class TimeSpan {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private TimeSpan() {}

    static Duration parse(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty time span");
        }
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int end = 0;
        while (m.find()) {
            if (!s.substring(end, m.start()).isBlank()) {
                throw new IllegalArgumentException("invalid time span '" + text + "'");
            }
            nanos += (long) (Double.parseDouble(m.group(1)) * unitNanos(m.group(2), text));
            end = m.end();
        }
        if (end == 0 || !s.substring(end).isBlank()) {
            throw new IllegalArgumentException("invalid time span '" + text + "'");
        }
        return Duration.ofNanos(nanos);
    }

    private static double unitNanos(String unit, String text) {
        return switch (unit) {
            case "us", "usec" -> 1e3;
            case "ms", "msec" -> 1e6;
            case "", "s", "sec", "second", "seconds" -> 1e9;
            case "m", "min", "minute", "minutes" -> 60e9;
            case "h", "hr", "hour", "hours" -> 3600e9;
            case "d", "day", "days" -> 86400e9;
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "' in time span '" + text + "'");
        };
    }
}
