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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads YAML text into a {@link YamlNode} tree with positions, using Jackson's streaming YAML parser.
 * Duplicate keys and unknown aliases become problems (YAML parsers accept the first silently); a syntax
 * error becomes a single problem, since nothing after it can be trusted.
 */
final class YamlReader {

    private final Path file;
    private final List<String> lines;
    private final Problems problems;
    private final Map<String, YamlNode> anchors = new HashMap<>();
    /** An alias to an undefined anchor: like a syntax error, the rest of the tree cannot be trusted. */
    private boolean brokenAlias;

    YamlReader(Path file, String text, Problems problems) {
        this.file = file;
        this.lines = text.lines().toList();
        this.problems = problems;
    }

    /** The document's root, or {@code null} when it is empty or unreadable (a problem says why). */
    YamlNode read(String text) {
        YAMLFactory factory = YAMLFactory.builder().build();
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
        } catch (JacksonException e) {
            problems.add(syntaxProblem(e));
            return null;
        }
    }

    private YamlNode readValue(JsonParser parser, JsonToken token) {
        SourcePosition position = at(parser.currentTokenLocation());
        Object anchor = parser.getObjectId();
        YamlNode node = switch (token) {
            case START_OBJECT -> readMap(parser, position);
            case START_ARRAY -> readList(parser, position);
            default -> readScalar(parser, token, position);
        };
        if (anchor != null && !isAlias(parser)) {
            anchors.put(anchor.toString(), node);
        }
        return node;
    }

    private YamlMap readMap(JsonParser parser, SourcePosition position) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            SourcePosition keyPosition = at(parser.currentTokenLocation());
            YamlNode value = readValue(parser, parser.nextToken());
            Entry previous = entries.get(key);
            if (previous != null) {
                problems.add(keyPosition, "duplicate key '" + key + "' (first written at line " + previous.keyPosition().line() + ")",
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
                problems.add(start, "unknown alias '*" + text + "'", "define it first with '&" + text + "' on an earlier value");
                brokenAlias = true;
                return new YamlScalar("", Type.NULL, Style.PLAIN, null, start, start);
            }
            return target;
        }
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
