package io.drover.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Collects the problems of one herd file, so that all of them are reported at once: up to {@link #LIMIT}, since
 * a broken file can have a problem per line and nobody reads the thousandth.
 */
final class Problems {
    static final int LIMIT = 100;
    /** Suggestions compare names by edit distance: bounded so that a hostile file cannot make that quadratic. */
    private static final int MAX_SUGGESTION_CANDIDATES = 1000;
    private static final int MAX_SUGGESTION_LENGTH = 40;
    private static final int MAX_LISTED = 20;

    private final List<Problem> problems = new ArrayList<>();
    /** A value shared through a YAML alias is checked once per use but written once: report it once. */
    private final Set<Problem> seen = new HashSet<>();
    private int dropped;

    void add(SourcePosition where, String message, String hint) {
        add(new Problem(where, message, hint));
    }

    /** For hints that are costly to make (suggestions among many names): made only if the problem is kept. */
    void add(SourcePosition where, String message, Supplier<String> hint) {
        if (problems.size() >= LIMIT) {
            dropped++;
            return;
        }
        add(new Problem(where, message, hint.get()));
    }

    void add(Problem problem) {
        if (problems.size() >= LIMIT) {
            dropped++;
        } else if (seen.add(problem)) {
            problems.add(problem);
        }
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    int size() {
        return problems.size() + dropped;
    }

    /** In file order, so the output reads top to bottom. */
    List<Problem> sorted() {
        return problems.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.where().line()).thenComparingInt(p -> p.where().column()))
                .toList();
    }

    /** {@link #sorted()}, and a last line saying how many more were found when there were too many to list. */
    List<Problem> report(Path file) {
        List<Problem> report = new ArrayList<>(sorted());
        if (dropped > 0) {
            report.add(new Problem(SourcePosition.unknown(file), "... and " + dropped + " more problems (only the first "
                    + LIMIT + " found are listed)", "fix these, then run drover validate again"));
        }
        return report;
    }

    /** "did you mean X?" for the closest candidate within a few edits, else a list of what is allowed. */
    static String suggest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = Math.max(2, wrong.length() / 3);
        if (wrong.length() <= MAX_SUGGESTION_LENGTH && candidates.size() <= MAX_SUGGESTION_CANDIDATES) {
            String lower = wrong.toLowerCase(Locale.ROOT);
            for (String candidate : candidates) {
                if (Math.abs(candidate.length() - wrong.length()) > limit || candidate.length() > MAX_SUGGESTION_LENGTH) {
                    continue; // too far apart to be a typo
                }
                int distance = editDistance(lower, candidate.toLowerCase(Locale.ROOT));
                if (distance < bestDistance) {
                    best = candidate;
                    bestDistance = distance;
                }
            }
        }
        if (best != null && bestDistance <= limit) {
            return "did you mean '" + best + "'?";
        }
        if (candidates.isEmpty()) {
            return "remove it: no keys are allowed here";
        }
        List<String> listed = candidates.stream().limit(MAX_LISTED).toList();
        return "allowed: " + String.join(", ", listed)
                + (candidates.size() > listed.size() ? ", ... (" + candidates.size() + " in all)" : "");
    }

    /** Levenshtein distance; names are short (see {@link #MAX_SUGGESTION_LENGTH}), so the quadratic table is fine. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * A value from the file as messages quote it: control characters escaped (a line break in a value must not
     * start a new line of output), and long values cut short.
     */
    static String shown(String value) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(value.length(), 60);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (end < value.length()) {
            out.append("...");
        }
        return out.toString();
    }

    /** The first control character of {@code text} (tabs too), or -1: single-line values must have none. */
    static int controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** e.g. {@code a line break (U+000A)}. */
    static String describeCharacter(char c) {
        String name = switch (c) {
            case '\n' -> "a line break";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case 0 -> "a NUL character";
            case 0x1b -> "an escape character";
            default -> "a control character";
        };
        return name + String.format(Locale.ROOT, " (U+%04X)", (int) c);
    }
}
