package io.drover.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one herd file, so that all of them are reported at once. */
final class Problems {
    private final List<Problem> problems = new ArrayList<>();

    void add(SourcePosition where, String message, String hint) {
        problems.add(new Problem(where, message, hint));
    }

    void add(Problem problem) {
        problems.add(problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    int size() {
        return problems.size();
    }

    /**
     * In file order, so the output reads top to bottom; without repeats (a value shared through a YAML alias
     * is checked once per use but written once).
     */
    List<Problem> sorted() {
        return problems.stream()
                .distinct()
                .sorted(Comparator.comparingInt((Problem p) -> p.where().line()).thenComparingInt(p -> p.where().column()))
                .toList();
    }

    /** "did you mean X?" for the closest candidate within a few edits, else a list of what is allowed. */
    static String suggest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(wrong.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= Math.max(2, wrong.length() / 3)) {
            return "did you mean '" + best + "'?";
        }
        return candidates.isEmpty() ? "remove it: no keys are allowed here" : "allowed: " + String.join(", ", candidates);
    }

    /** Levenshtein distance; keys are short, so the quadratic table is fine. */
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
}
