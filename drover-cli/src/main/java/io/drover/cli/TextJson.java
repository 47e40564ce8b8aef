package io.drover.cli;

import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * Text values as JSON, exactly as {@link Json#write} and {@link Json#pretty} write them, with Jackson's streaming
 * generator alone: building the object mapper (and loading its classes) costs {@code drover output --json} more than
 * the rest of the command (TextJsonTest compares both).
 */
final class TextJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private TextJson() {}

    /** One string, as {@code Json.write(value)}. */
    static String string(String value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeString(value);
        }
        return out.toString();
    }

    /** Strings by name, keys sorted, pretty-printed, as {@code Json.pretty(values)}. */
    static String pretty(Map<String, String> values) {
        StringWriter out = new StringWriter();
        ObjectWriteContext pretty = new ObjectWriteContext.Base() {
            @Override
            public PrettyPrinter getPrettyPrinter() {
                return new DefaultPrettyPrinter();
            }

            @Override
            public boolean hasPrettyPrinter() {
                return true;
            }
        };
        try (JsonGenerator g = FACTORY.createGenerator(pretty, out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
                g.writeName(e.getKey());
                g.writeString(e.getValue());
            }
            g.writeEndObject();
        }
        return out.toString();
    }
}
