package io.drover.spi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads the timestamps Drover writes (states, server metadata, pid files): {@link Instant#toString()}'s form, e.g.
 * {@code 2026-11-30T23:44:12.345Z}. {@link Instant#parse} reads it too, but its first use initialises java.time's
 * formatters, 10-15 ms of a cold JVM spent in every {@code drover plan} and {@code output}; this reads that one form
 * directly and hands anything else to {@link Instant#parse}, so it accepts and rejects exactly what that does.
 *
 * <p>It stays in drover-spi although it is not the seam: the local provider uses it and may depend on nothing but drover-spi.
 */
public final class Timestamps {
    private Timestamps() {}

    /**
     * The instant {@code text} names.
     *
     * @throws java.time.format.DateTimeParseException when it names none (from {@link Instant#parse})
     */
    public static Instant parse(CharSequence text) {
        String s = text.toString();
        int zulu = s.length() - 1;
        if (zulu >= 19 && zulu <= 29 && s.charAt(zulu) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
                && s.charAt(13) == ':' && s.charAt(16) == ':' && (zulu == 19 || (s.charAt(19) == '.' && zulu > 20))) {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            int nanos = 0;
            if (zulu > 20) {
                nanos = digits(s, 20, zulu);
                for (int i = zulu - 20; i < 9 && nanos >= 0; i++) {
                    nanos *= 10;
                }
            }
            if ((year | month | day | hour | minute | second | nanos) >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    // out of range (a 24:00 or a leap second, among others): Instant.parse decides
                }
            }
        }
        return Instant.parse(s);
    }

    /** The number the ASCII digits from {@code start} to {@code end} write, or -1 if any is not a digit. */
    private static int digits(String s, int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
