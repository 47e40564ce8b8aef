package io.drover.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A YAML value with the position it was written at. The herd loader reads the file into these instead of
 * into Jackson's tree so that every problem can point at the exact key or value.
 */
sealed interface YamlNode permits YamlNode.YamlMap, YamlNode.YamlList, YamlNode.YamlScalar {

    SourcePosition position();

    /** What a user calls this kind of value in an error message. */
    String kindName();

    /**
     * A mapping; entries in the order written. Takes the map it is given (the reader builds it and lets go of it):
     * a 4 MB file can hold a hundred thousand maps, and a copy of each made the garbage collector's work double.
     */
    record YamlMap(Map<String, Entry> entries, SourcePosition position) implements YamlNode {
        public YamlMap {
            entries = java.util.Collections.unmodifiableMap(entries);
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
         * scalars (escapes included) and for literal blocks ({@code |}), else the scalar's own position.
         */
        SourcePosition positionOf(int offset, List<String> sourceLines) {
            return positions(sourceLines).apply(offset);
        }

        /**
         * {@link #positionOf} for many offsets: the map from text to source is made once, on first use, in time
         * linear in the scalar; each lookup then takes constant or logarithmic time.
         */
        IntFunction<SourcePosition> positions(List<String> sourceLines) {
            return new Positions(this, sourceLines);
        }
    }

    /** Maps offsets of a scalar's text back to the file. */
    final class Positions implements IntFunction<SourcePosition> {
        private final YamlScalar scalar;
        private final List<String> sourceLines;
        /** Quoted scalars: the index in {@code raw} of each character of {@code text}. */
        private int[] rawIndex;
        /** Literal blocks: the offset in {@code text} where each of its lines starts. */
        private int[] lineStarts;

        Positions(YamlScalar scalar, List<String> sourceLines) {
            this.scalar = scalar;
            this.sourceLines = sourceLines;
        }

        @Override
        public SourcePosition apply(int offset) {
            SourcePosition position = scalar.position();
            String raw = scalar.raw();
            if (raw != null && scalar.style() == YamlScalar.Style.PLAIN) {
                return at(position.line(), position.column() + offset);
            }
            if (raw != null && scalar.style() == YamlScalar.Style.QUOTED) {
                if (rawIndex == null) {
                    rawIndex = rawIndex(scalar.text(), raw);
                }
                int index = offset >= 0 && offset < rawIndex.length && rawIndex[offset] >= 0 ? rawIndex[offset] : 1 + offset;
                return at(position.line(), position.column() + index);
            }
            if (scalar.style() == YamlScalar.Style.LITERAL) {
                return literal(offset);
            }
            return position;
        }

        private SourcePosition literal(int offset) {
            String text = scalar.text();
            if (lineStarts == null) {
                int count = 1;
                for (int i = 0; i < text.length(); i++) {
                    count += text.charAt(i) == '\n' ? 1 : 0;
                }
                lineStarts = new int[count];
                for (int i = 0, line = 1; i < text.length(); i++) {
                    if (text.charAt(i) == '\n') {
                        lineStarts[line++] = i + 1;
                    }
                }
            }
            int clamped = Math.max(0, Math.min(offset, text.length()));
            int line = Arrays.binarySearch(lineStarts, clamped);
            if (line < 0) {
                line = -line - 2; // the line that starts before the offset
            }
            int lineStart = lineStarts[line];
            int lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length();
            int sourceLine = scalar.position().line() + 1 + line;
            if (sourceLine - 1 < sourceLines.size()) {
                String source = sourceLines.get(sourceLine - 1);
                int indent = Math.max(0, source.length() - (lineEnd - lineStart));
                return at(sourceLine, indent + 1 + (clamped - lineStart));
            }
            return scalar.position();
        }

        private SourcePosition at(int line, int column) {
            return new SourcePosition(scalar.position().file(), line, column);
        }

        /**
         * For each character of {@code text}, where it is in {@code raw} (a quoted scalar with its quotes):
         * {@code ''} in single quotes and a backslash escape in double quotes are one character of text.
         */
        private static int[] rawIndex(String text, String raw) {
            int[] index = new int[text.length()];
            Arrays.fill(index, -1);
            boolean doubleQuoted = raw.startsWith("\"");
            int r = 1;
            for (int t = 0; t < text.length() && r < raw.length(); t++) {
                index[t] = r;
                char c = raw.charAt(r);
                if (!doubleQuoted) {
                    r += c == '\'' && r + 1 < raw.length() && raw.charAt(r + 1) == '\'' ? 2 : 1;
                } else if (c != '\\' || r + 1 >= raw.length()) {
                    r++;
                } else {
                    int digits = switch (raw.charAt(r + 1)) {
                        case 'x' -> 2;
                        case 'u' -> 4;
                        case 'U' -> 8;
                        default -> 0;
                    };
                    if (digits == 8 && Character.isSupplementaryCodePoint(codePoint(raw, r + 2, digits)) && t + 1 < text.length()) {
                        index[++t] = r; // one escape, two UTF-16 characters
                    }
                    r += 2 + digits;
                }
            }
            return index;
        }

        private static int codePoint(String raw, int from, int digits) {
            try {
                return Integer.parseInt(raw.substring(from, Math.min(raw.length(), from + digits)), 16);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
