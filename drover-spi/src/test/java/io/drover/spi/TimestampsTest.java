package io.drover.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    @Test
    void readsWhatInstantWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(), Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            // whole seconds, milliseconds, microseconds and nanoseconds, which Instant.toString writes with 0, 3, 6, 9 digits
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();

            assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void readsOtherFractionLengthsAsInstantParseDoes() {
        for (String text : List.of("2026-11-30T23:44:12.3Z", "2026-11-30T23:44:12.34Z", "2026-11-30T23:44:12.3456Z",
                "2026-11-30T23:44:12.12345678Z", "2026-11-30T23:44:12.000000001Z", "2024-02-29T00:00:00Z")) {
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesUnusualFormsToInstantParse() {
        for (String text : List.of("2026-11-30T23:59:60Z", "2026-11-30T24:00:00Z", "2026-11-30T23:44:12+01:00", "+12026-11-30T23:44:12Z",
                "2026-11-30t23:44:12z", "2026-11-30T23:44:12.Z", "2026-11-30T23:44:12.1234567890Z", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-11-30T23:44Z", "2026-1-30T23:44:12Z", "2026-11-30T23:4a:12Z", "", "Z", "yesterday")) {
            Object expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                expected = DateTimeParseException.class;
            }
            if (expected instanceof Instant instant) {
                assertThat(Timestamps.parse(text)).as(text).isEqualTo(instant);
            } else {
                assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            }
        }
    }
}
