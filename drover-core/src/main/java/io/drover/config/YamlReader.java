package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlList;
import io.drover.config.YamlNode.YamlMap;
import io.drover.config.YamlNode.YamlScalar;
import io.drover.config.YamlNode.YamlScalar.Style;
import io.drover.config.YamlNode.YamlScalar.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads YAML text into a {@link YamlNode} tree with positions, using Jackson's streaming YAML parser.
 * Duplicate keys and unknown aliases become problems (YAML parsers accept the first silently); a syntax
 * error becomes a single problem, since nothing after it can be trusted.
 *
 * <p>An alias shares its anchor's node instead of copying it, but whoever walks the tree visits it once per use:
 * anchors of aliases of aliases ("billion laughs") would make that exponential, so the values reachable
 * through aliases are counted and bounded.
 */
final class YamlReader {
    /**
     * How many values aliases may add to the tree (each use adds its anchor's values): a hundred times what a herd
     * needs, few enough that checking them all stays well under a second.
     */
    static final long MAX_ALIASED_VALUES = 200_000;

    private final Path file;
    private final List<String> lines;
    private final Problems problems;
    private final Map<String, YamlNode> anchors = new HashMap<>();
    /** The expanded size (values, aliases counted as their anchor's size) of each anchored node. */
    private final Map<YamlNode, Long> anchorSizes = new IdentityHashMap<>();
    /** The values read so far, aliases expanded. */
    private long values;
    /** The values aliases added so far. */
    private long aliased;
    /** Where the value being read starts (for problems Jackson reports without a position). */
    private SourcePosition current;
    /** An alias to an undefined anchor: like a syntax error, the rest of the tree cannot be trusted. */
    private boolean brokenAlias;

    /** @param lines the text's lines (positions of block scalars are found in them) */
    YamlReader(Path file, List<String> lines, Problems problems) {
        this.file = file;
        this.lines = lines;
        this.problems = problems;
    }

    /** Thrown when the aliases expand to too much: the reading stops there (a problem says why). */
    private static final class TooManyValues extends RuntimeException {
        TooManyValues() {
            super(null, null, false, false);
        }
    }

    /** The document's root, or {@code null} when it is empty or unreadable (a problem says why). */
    YamlNode read(String text) {
        YAMLFactory factory = YAMLFactory.builder()
                .loadSettings(LoadSettings.builder()
                        // One window for the whole text: the reader copies what is left of its window at every
                        // refill, so with the default 1 KiB window a long scalar was copied a thousand times per
                        // megabyte (quadratic). The text is at most 4 MB, and already in memory.
                        .setBufferSize(text.length() + 1)
                        .setCodePointLimit(Math.max(text.length() + 1, TextFile.MAX_BYTES))
                        .setAllowDuplicateKeys(true) // reported by readMap, with both lines
                        .build())
                .build();
        try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                problems.add(new SourcePosition(file, 1, 1), "the file is empty", "start with 'herd: NAME' and a 'clusters:' map");
                return null;
            }
            YamlNode root = readValue(parser, token);
            if (parser.nextToken() != null) {
                problems.add(at(parser.currentTokenLocation()), "only one YAML document is allowed", "remove the '---' and what follows");
            }
            return brokenAlias ? null : root;
        } catch (StreamConstraintsException e) {
            // Jackson's limits on nesting depth and on the length of names and numbers: the message says which.
            String limit = e.getOriginalMessage() == null ? "a limit of the YAML reader" : e.getOriginalMessage();
            int internal = limit.indexOf(", from `");
            problems.add(current == null ? new SourcePosition(file, 1, 1) : current,
                    "the YAML is too deep or too long here: " + (internal < 0 ? limit : limit.substring(0, internal) + ")"),
                    "a herd file nests a few levels deep and its keys and numbers are short: check what this file is");
            return null;
        } catch (JacksonException e) {
            problems.add(syntaxProblem(e));
            return null;
        } catch (TooManyValues e) {
            return null;
        }
    }

    private YamlNode readValue(JsonParser parser, JsonToken token) {
        SourcePosition position = at(parser.currentTokenLocation());
        current = position;
        Object anchor = parser.getObjectId();
        long before = values;
        YamlNode node = switch (token) {
            case START_OBJECT -> readMap(parser, position);
            case START_ARRAY -> readList(parser, position);
            default -> readScalar(parser, token, position);
        };
        if (anchor != null && !isAlias(parser)) {
            anchors.put(anchor.toString(), node);
            anchorSizes.put(node, values - before);
        }
        return node;
    }

    /** Counts the values an alias adds; stops the reading when aliases add too many. */
    private void countAlias(long count, SourcePosition where) {
        values += count;
        aliased += count;
        if (aliased > MAX_ALIASED_VALUES) {
            problems.add(where, "the YAML aliases in this file expand to more than " + MAX_ALIASED_VALUES + " values",
                    "an alias (*name) repeats its anchor's whole value each time it is used: alias fewer or smaller blocks");
            throw new TooManyValues();
        }
    }

    private YamlMap readMap(JsonParser parser, SourcePosition position) {
        values++;
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            SourcePosition keyPosition = at(parser.currentTokenLocation());
            YamlNode value = readValue(parser, parser.nextToken());
            Entry previous = entries.get(key);
            if (previous != null) {
                problems.add(keyPosition, "duplicate key '" + Problems.shown(key) + "' (first written at line " + previous.keyPosition().line() + ")",
                        "remove one of them");
            } else {
                entries.put(key, new Entry(key, keyPosition, value));
            }
        }
        if (token != JsonToken.END_OBJECT) {
            // Jackson reports complex keys and other oddities this way; never seen with valid block YAML.
            problems.add(position, "unsupported YAML construct in this map", "use plain 'key: value' entries");
        }
        return new YamlMap(entries, position);
    }

    private YamlList readList(JsonParser parser, SourcePosition position) {
        values++;
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            items.add(readValue(parser, token));
        }
        return new YamlList(items, position);
    }

    private YamlNode readScalar(JsonParser parser, JsonToken token, SourcePosition start) {
        String text = parser.getString();
        if (isAlias(parser)) {
            YamlNode target = anchors.get(text);
            if (target == null) {
                problems.add(start, "unknown alias '*" + Problems.shown(text) + "'", "define it first with '&" + Problems.shown(text)
                        + "' on an earlier value");
                brokenAlias = true;
                return new YamlScalar("", Type.NULL, Style.PLAIN, null, start, start);
            }
            countAlias(anchorSizes.get(target), start);
            return target;
        }
        values++;
        SourcePosition end = at(parser.currentLocation());
        // Skip an anchor (&name) written before the value, so positions and raw text are the value's own.
        String line = start.line() - 1 < lines.size() ? lines.get(start.line() - 1) : "";
        int col = start.column() - 1;
        if (col < line.length() && line.charAt(col) == '&') {
            while (col < line.length() && !Character.isWhitespace(line.charAt(col))) {
                col++;
            }
            while (col < line.length() && Character.isWhitespace(line.charAt(col))) {
                col++;
            }
            start = new SourcePosition(file, start.line(), col + 1);
        }
        char first = col < line.length() ? line.charAt(col) : ' ';
        Style style = switch (first) {
            case '\'', '"' -> Style.QUOTED;
            case '|' -> Style.LITERAL;
            case '>' -> Style.FOLDED;
            case '!' -> Style.TAGGED;
            default -> Style.PLAIN;
        };
        String raw = end.line() == start.line() && end.column() - 1 <= line.length() && col <= end.column() - 1
                ? line.substring(col, end.column() - 1)
                : null;
        Type type = switch (token) {
            case VALUE_NUMBER_INT -> Type.INTEGER;
            case VALUE_NUMBER_FLOAT -> Type.FLOAT;
            case VALUE_TRUE, VALUE_FALSE -> Type.BOOLEAN;
            case VALUE_NULL -> Type.NULL;
            default -> style == Style.PLAIN && (text.isEmpty() || text.equals("~")) ? Type.NULL : Type.STRING;
        };
        return new YamlScalar(text, type, style, raw, start, end);
    }

    private static boolean isAlias(JsonParser parser) {
        return parser instanceof tools.jackson.dataformat.yaml.YAMLParser yaml && yaml.isCurrentAlias();
    }

    private Problem syntaxProblem(JacksonException e) {
        if (e.getCause() instanceof MarkedYamlEngineException yaml && yaml.getProblemMark().isPresent()) {
            var mark = yaml.getProblemMark().get();
            Optional<Problem> misplaced = Indentation.misplaced(file, lines, mark.getLine() + 1);
            if (misplaced.isPresent()) {
                return misplaced.get();
            }
            String context = yaml.getContext() == null ? "" : yaml.getContext();
            var started = yaml.getContextMark();
            if (started.isPresent() && started.get().getLine() != mark.getLine()) {
                context += " started at line " + (started.get().getLine() + 1);
            }
            return new Problem(new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1),
                    "YAML syntax error: " + (context.isEmpty() ? "" : context + ": ") + yaml.getProblem(),
                    "check the indentation and quoting around here");
        }
        TokenStreamLocation location = e.getLocation();
        String message = e.getOriginalMessage() == null ? "unreadable YAML" : e.getOriginalMessage().lines().findFirst().orElse("");
        SourcePosition where = location == null ? new SourcePosition(file, 1, 1) : at(location);
        return new Problem(where, "YAML syntax error: " + message, "check the indentation and quoting around here");
    }

    private SourcePosition at(TokenStreamLocation location) {
        return new SourcePosition(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }
}
