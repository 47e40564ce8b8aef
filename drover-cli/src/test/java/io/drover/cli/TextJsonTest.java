package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code drover output --json} prints without the object mapper is what the mapper printed. */
class TextJsonTest {
    private static final List<String> VALUES = List.of("", "https://127.0.0.2:2379,https://127.0.0.3:2379", "hello \"world\"",
            "back\\slash", "line\nbreak\ttab", "control \u0001 char", "unicode é ✓ \uD83D\uDE00", "</script>");

    @Test
    void aStringIsWrittenAsByTheMapper() {
        for (String v : VALUES) {
            assertThat(TextJson.string(v)).as(v).isEqualTo(Json.write(v));
        }
    }

    @Test
    void stringsByNameAreWrittenAsByTheMapper() {
        Map<String, String> values = new LinkedHashMap<>();
        assertThat(TextJson.pretty(values)).isEqualTo(Json.pretty(values));
        for (int i = 0; i < VALUES.size(); i++) {
            values.put((char) ('z' - i) + "_key " + VALUES.get(i), VALUES.get(i)); // inserted out of order
            assertThat(TextJson.pretty(values)).isEqualTo(Json.pretty(values));
        }
    }
}
