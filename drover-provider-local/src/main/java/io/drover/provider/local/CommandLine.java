package io.drover.provider.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ExecStart=}-style command, split and expanded the way systemd does it. JDK only.
 *
 * @param ignoreFailure the {@code -} prefix: a failing exit status does not fail the unit
 */
record CommandLine(boolean ignoreFailure, List<String> argv) {

    private static final Pattern WHOLE_WORD_VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern BRACED_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$\\$");

    CommandLine {
        argv = List.copyOf(argv);
    }

    /**
     * Parses a command: prefixes ({@code -} honoured; {@code @}, {@code :}, {@code +}, {@code !} understood), words
     * with systemd quoting and C escapes, specifiers, then {@code ${VAR}} (inside a word, one argument) and
     * {@code $VAR} (a whole word, split at whitespace) from {@code environment}.
     */
    static CommandLine parse(String line, Specifiers specifiers, Map<String, String> environment) {
        String rest = line.strip();
        boolean ignoreFailure = false;
        boolean argv0 = false;
        boolean expandVariables = true;
        while (!rest.isEmpty() && "-@:+!".indexOf(rest.charAt(0)) >= 0) {
            switch (rest.charAt(0)) {
                case '-' -> ignoreFailure = true;
                case '@' -> argv0 = true;
                case ':' -> expandVariables = false;
                default -> {} // + and ! change privileges; we run everything as the current user anyway
            }
            rest = rest.substring(1);
        }
        List<String> words = splitWords(rest);
        if (argv0 && words.size() >= 2) {
            words.remove(1); // Java cannot set argv[0]; the program still runs
        }
        List<String> argv = new ArrayList<>();
        for (String word : words) {
            String w = specifiers.expand(word);
            if (!expandVariables) {
                argv.add(w);
                continue;
            }
            Matcher whole = WHOLE_WORD_VARIABLE.matcher(w);
            if (whole.matches()) {
                String value = environment.getOrDefault(whole.group(1), "").strip();
                if (!value.isEmpty()) {
                    argv.addAll(List.of(value.split("\\s+")));
                }
                continue;
            }
            argv.add(BRACED_VARIABLE.matcher(w).replaceAll(m -> Matcher.quoteReplacement(
                    m.group().equals("$$") ? "$" : environment.getOrDefault(m.group(1), ""))));
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line '" + line + "'");
        }
        return new CommandLine(ignoreFailure, argv);
    }

    /** Splits at unquoted whitespace; handles double and single quotes and C-style backslash escapes. */
    static List<String> splitWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\\' && i + 1 < text.length()) {
                i = unescape(text, i + 1, word);
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quotes in '" + text + "'");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the escape starting at {@code text[i]} (the char after the backslash); returns its last index. */
    private static int unescape(String text, int i, StringBuilder out) {
        char c = text.charAt(i);
        switch (c) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 's' -> out.append(' ');
            case 'x' -> {
                if (isHex(text, i + 1, 2)) {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    return i + 2;
                }
                out.append('x');
            }
            default -> {
                if (c >= '0' && c <= '7' && i + 2 < text.length() && text.substring(i, i + 3).chars().allMatch(d -> d >= '0' && d <= '7')) {
                    out.append((char) Integer.parseInt(text.substring(i, i + 3), 8));
                    return i + 2;
                }
                out.append(c); // \\ \" \' \$ and anything else: the character itself
            }
        }
        return i;
    }

    private static boolean isHex(String text, int from, int count) {
        if (from + count > text.length()) {
            return false;
        }
        for (int k = from; k < from + count; k++) {
            if (Character.digit(text.charAt(k), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
