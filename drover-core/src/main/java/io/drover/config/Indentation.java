package io.drover.config;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the line whose indentation breaks the block structure, for a YAML syntax error. The YAML parser notices a
 * misplaced line only where the structure can no longer go on, often on the line after it (a key dedented to an outer
 * block reads as valid YAML until the next line comes back in), and says what it expected in its own terms; this
 * names the line that is out of place and the line it is out of line with.
 *
 * <p>Only block mappings and sequences written one entry per line are followed; flow collections, block scalars and
 * comments are skipped. Asked only once the parser has failed, so a file it does not understand just keeps the
 * parser's message.
 */
final class Indentation {
    /** A block mapping key ({@code key:} at the end of the line or followed by a space), or a sequence entry. */
    private static final Pattern ENTRY = Pattern.compile("^( *)(- +)?([^\\s#'\"\\[{][^:#]*?|'[^']*'|\"[^\"]*\"):(?: |$)(.*)$");
    private static final Pattern ITEM = Pattern.compile("^( *)- ");

    /** A key line: where it is, its indentation, its text, and whether it opens a nested block. */
    private record Line(int number, int indent, String text, boolean opens) {}

    private Indentation() {}

    /**
     * The line out of place at or before {@code errorLine} (1-based), as a problem; empty when the indentation looks
     * consistent, or the text uses constructs not followed here.
     */
    static Optional<Problem> misplaced(Path file, List<String> lines, int errorLine) {
        Deque<Line> open = new ArrayDeque<>(); // the last key line of each block still open, innermost first
        Line previous = null;
        Line beforePrevious = null;
        int scalarIndent = -1; // inside a block scalar: lines indented more than its key belong to it
        for (int n = 1; n <= Math.min(errorLine, lines.size()); n++) {
            String text = lines.get(n - 1);
            String stripped = text.strip();
            int indent = text.length() - text.stripLeading().length();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            if (scalarIndent >= 0 && indent > scalarIndent) {
                continue;
            }
            scalarIndent = -1;
            if (text.indexOf('\t') >= 0 && text.indexOf('\t') < indent || stripped.startsWith("---") || stripped.startsWith("...")) {
                return Optional.empty();
            }
            Matcher m = ENTRY.matcher(text);
            if (!m.matches()) {
                if (ITEM.matcher(text).find()) {
                    continue; // a list item holding a single value
                }
                return Optional.empty(); // a flow collection or multi-line value: not followed
            }
            String value = m.group(4).strip();
            if (value.startsWith("|") || value.startsWith(">")) {
                scalarIndent = indent;
            }
            boolean opens = value.isEmpty() || value.startsWith("#") || value.startsWith("&") && !value.contains(" ");
            int keyIndent = m.group(2) == null ? indent : indent + m.group(2).length();
            Line line = new Line(n, keyIndent, text.strip().replaceFirst("^- +", ""), opens);
            if (value.startsWith("[") && !value.endsWith("]") || value.startsWith("{") && !value.endsWith("}")) {
                return Optional.empty();
            }
            if (previous != null && keyIndent > previous.indent()) {
                if (!previous.opens()) {
                    // Deeper than the key above, which holds a value already. If the line before that key lines up
                    // with this one, that key is the one out of place (dedented); else this one is (indented too far).
                    if (beforePrevious != null && beforePrevious.indent() == keyIndent) {
                        return Optional.of(outOfLine(file, previous, beforePrevious));
                    }
                    return Optional.of(new Problem(new SourcePosition(file, n, keyIndent + 1), "'" + Problems.shown(shortened(line.text()))
                            + "' is indented " + keyIndent + " spaces, deeper than '" + key(previous) + "' at " + previous.number() + ":"
                            + (previous.indent() + 1) + ", which holds a value already",
                            "indent it like '" + key(previous) + "', or move the value of '" + key(previous) + "' to lines below it"));
                }
            } else {
                Line closed = null;
                while (!open.isEmpty() && open.peek().indent() > keyIndent) {
                    closed = open.pop();
                }
                if (!open.isEmpty() && open.peek().indent() < keyIndent && closed != null) {
                    // A dedent to no open block's indentation: out of line with the nearest block it left.
                    return Optional.of(outOfLine(file, line, closed));
                }
                if (!open.isEmpty()) {
                    open.pop(); // the same block: this key takes the place of its sibling
                }
            }
            open.push(line);
            beforePrevious = previous;
            previous = line;
        }
        return Optional.empty();
    }

    private static Problem outOfLine(Path file, Line misplaced, Line neighbour) {
        return new Problem(new SourcePosition(file, misplaced.number(), misplaced.indent() + 1),
                "'" + Problems.shown(shortened(misplaced.text())) + "' is indented " + misplaced.indent() + " spaces, out of line with '"
                        + key(neighbour) + "' at " + neighbour.number() + ":" + (neighbour.indent() + 1),
                "indent it like the keys of its block (" + neighbour.indent() + " spaces, like '" + key(neighbour) + "')");
    }

    private static String key(Line line) {
        int colon = line.text().indexOf(':');
        return (colon < 0 ? line.text() : line.text().substring(0, colon)) + ":";
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
