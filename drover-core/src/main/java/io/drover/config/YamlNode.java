package io.drover.config;

import java.util.List;
import java.util.Map;

/**
 * A YAML value with the position it was written at. The herd loader reads the file into these instead of
 * into Jackson's tree so that every problem can point at the exact key or value.
 */
sealed interface YamlNode permits YamlNode.YamlMap, YamlNode.YamlList, YamlNode.YamlScalar {

    SourcePosition position();

    /** What a user calls this kind of value in an error message. */
    String kindName();

    /** A mapping; entries in the order written. */
    record YamlMap(Map<String, Entry> entries, SourcePosition position) implements YamlNode {
        public YamlMap {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        @Override
        public String kindName() {
            return "a map";
        }
    }

    /** One key of a mapping: the key's own position is where "unknown key" problems point. */
    record Entry(String key, SourcePosition keyPosition, YamlNode value) {}

    record YamlList(List<YamlNode> items, SourcePosition position) implements YamlNode {
        public YamlList {
            items = List.copyOf(items);
        }

        @Override
        public String kindName() {
            return "a list";
        }
    }

    /**
     * A scalar. {@code text} is the value after YAML unescaping; {@code raw} is the source text when the
     * scalar sits on one line (used to tell {@code 0644} from {@code '0644'} and to map template offsets
     * back to columns), else {@code null}.
     */
    record YamlScalar(String text, Type type, Style style, String raw, SourcePosition position, SourcePosition end)
            implements YamlNode {

        /** How the YAML parser typed the scalar. */
        enum Type { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        /** How the scalar was written. */
        enum Style { PLAIN, QUOTED, LITERAL, FOLDED, TAGGED }

        @Override
        public String kindName() {
            return switch (type) {
                case STRING -> "a string";
                case INTEGER -> "an integer";
                case FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "empty";
            };
        }

        boolean isNull() {
            return type == Type.NULL;
        }

        /**
         * Where character {@code offset} of {@link #text()} was written: exact for one-line plain and quoted
         * scalars (escapes aside) and for literal blocks ({@code |}), else the scalar's own position.
         */
        SourcePosition positionOf(int offset, List<String> sourceLines) {
            if (raw != null && (style == Style.PLAIN || style == Style.QUOTED)) {
                int quote = style == Style.QUOTED ? 1 : 0;
                return new SourcePosition(position.file(), position.line(), position.column() + quote + offset);
            }
            if (style == Style.LITERAL) {
                int line = 0;
                int lineStart = 0;
                for (int i = 0; i < offset && i < text.length(); i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                int sourceLine = position.line() + 1 + line;
                int lineEnd = text.indexOf('\n', lineStart);
                String content = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
                if (sourceLine - 1 < sourceLines.size()) {
                    String source = sourceLines.get(sourceLine - 1);
                    int indent = Math.max(0, source.length() - content.length());
                    return new SourcePosition(position.file(), sourceLine, indent + 1 + (offset - lineStart));
                }
            }
            return position;
        }
    }
}
