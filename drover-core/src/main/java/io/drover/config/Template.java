package io.drover.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A string with {@code ${name.path}} references, e.g. {@code http://${server.ip}:2379}. {@code $${} writes a
 * literal {@code ${}. References understood by the engine:
 * <ul>
 *   <li>{@code var.NAME}: a herd variable</li>
 *   <li>{@code herd.name}</li>
 *   <li>{@code cluster.name}, {@code cluster.size}, {@code cluster.peers} (etcd {@code name=url,...}),
 *       {@code cluster.ips} (inside a cluster's first-boot config)</li>
 *   <li>{@code server.name}, {@code server.ip}, {@code server.index} (inside a cluster's first-boot config)</li>
 *   <li>{@code clusters.NAME.ips}, {@code clusters.NAME.names}, {@code clusters.NAME.endpoints}: comma-separated</li>
 * </ul>
 */
public final class Template {

    private sealed interface Part permits Literal, Reference {}

    private record Literal(String text) implements Part {}

    private record Reference(String name, int offset) implements Part {}

    private final String text;
    private final List<Part> parts;

    private Template(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses {@code text}; throws {@link TemplateSyntaxException} with the offset of an unclosed {@code ${}. */
    public static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new TemplateSyntaxException(i, "unclosed ${ (close it with }, or write $${ for a literal ${)");
                }
                String name = text.substring(i + 2, end).trim();
                if (!isName(name)) {
                    throw new TemplateSyntaxException(i, "'${" + (name.length() > 40 ? name.substring(0, 37) + "..." : name) + "}' is not a reference (write ${var.NAME}, ${server.ip}, ...)");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Reference(name, i));
                i = end + 1;
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Template(text, List.copyOf(parts));
    }

    /**
     * {@code [A-Za-z_][A-Za-z0-9_-]*} parts joined by dots. Written out because a herd file may hold many thousands
     * of references, and the equivalent regex allocates per match.
     */
    private static boolean isName(String name) {
        boolean partStart = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (partStart) {
                if (!letter) {
                    return false;
                }
                partStart = false;
            } else if (c == '.') {
                partStart = true;
            } else if (!letter && !(c >= '0' && c <= '9') && c != '-') {
                return false;
            }
        }
        return !partStart;
    }

    /** The names referenced, in order, e.g. {@code [server.ip, var.domain]}. */
    public List<String> references() {
        return parts.stream().filter(p -> p instanceof Reference).map(p -> ((Reference) p).name()).toList();
    }

    /** The offset in the text of each reference, parallel to {@link #references()}. */
    public List<Integer> referenceOffsets() {
        return parts.stream().filter(p -> p instanceof Reference).map(p -> ((Reference) p).offset()).toList();
    }

    /**
     * Substitutes every reference with {@code lookup}'s answer.
     *
     * @throws IllegalArgumentException when {@code lookup} answers {@code null} (an unknown reference; the
     *     config loader rejects those first, so this is a bug or a value not yet known)
     */
    public String resolve(Function<String, String> lookup) {
        if (parts.size() == 1 && parts.get(0) instanceof Literal l) {
            return l.text();
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (Part part : parts) {
            switch (part) {
                case Literal l -> out.append(l.text());
                case Reference r -> {
                    String value = lookup.apply(r.name());
                    if (value == null) {
                        throw new IllegalArgumentException("unknown reference ${" + r.name() + "}");
                    }
                    out.append(value);
                }
            }
        }
        return out.toString();
    }

    public static String resolve(String text, Function<String, String> lookup) {
        return text.indexOf('$') < 0 ? text : parse(text).resolve(lookup);
    }

    public String text() {
        return text;
    }

    /** An unparseable template; {@link #offset()} is where in the string. */
    public static final class TemplateSyntaxException extends IllegalArgumentException {
        private final int offset;

        public TemplateSyntaxException(int offset, String message) {
            super(message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }
}
