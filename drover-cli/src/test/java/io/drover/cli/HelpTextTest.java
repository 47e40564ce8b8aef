package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code drover --help} and every command's {@code --help}, nested ones too, read as whole sentences: a summary in a
 * list of commands is the first line of the command's description, so a description written as lines broken
 * mid-sentence showed half a sentence there, and broke its own help page in the middle of a line.
 */
class HelpTextTest {
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"')]*$");
    private static final Pattern LISTED_COMMAND = Pattern.compile("^  (\\S+) +(\\S.*)$");

    @Test
    void everySummaryInACommandListEndsWhereItsSentenceEnds() {
        int summaries = 0;
        for (List<String> path : commandPaths()) {
            String help = help(path);
            for (Map.Entry<String, String> summary : summaries(help).entrySet()) {
                assertThat(summary.getValue()).as("summary of '%s' in 'drover %s --help'", summary.getKey(), String.join(" ", path))
                        .containsPattern(SENTENCE_END);
                summaries++;
            }
        }
        assertThat(summaries).as("commands listed").isGreaterThan(Main.COMMANDS.size());
    }

    @Test
    void noCommandsHelpBreaksALineMidSentence() {
        int width = Main.commandLine("--help").getUsageHelpWidth();
        for (List<String> path : commandPaths()) {
            List<String> description = description(help(path));
            String where = "'drover " + String.join(" ", path) + " --help'";
            assertThat(description).as(where).isNotEmpty();
            for (int i = 0; i + 1 < description.size(); i++) {
                String line = description.get(i);
                String nextWord = description.get(i + 1).split(" ", 2)[0];
                // the next word did not fit (picocli keeps a column or two free at the right edge)
                boolean wrappedByPicocli = line.length() + 1 + nextWord.length() >= width - 2;
                assertThat(SENTENCE_END.matcher(line).find() || wrappedByPicocli)
                        .as("%s breaks a line mid-sentence:%n%s%n%s", where, line, description.get(i + 1)).isTrue();
            }
            assertThat(description.getLast()).as(where + " ends mid-sentence").containsPattern(SENTENCE_END);
        }
    }

    private static String help(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out();
    }

    /** The top command and every command under it, by the names that lead to it. */
    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        paths.add(List.of());
        addPaths(Main.commandLine("--help"), List.of(), paths);
        return paths;
    }

    private static void addPaths(picocli.CommandLine cli, List<String> above, List<List<String>> paths) {
        for (var sub : cli.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(above);
            path.add(sub.getKey());
            paths.add(path);
            addPaths(sub.getValue(), path, paths);
        }
    }

    /** Each listed command's summary under "Commands:", its wrapped lines joined. */
    private static Map<String, String> summaries(String help) {
        Map<String, String> summaries = new LinkedHashMap<>();
        String command = null;
        boolean inList = false;
        for (String line : help.lines().toList()) {
            Matcher listed = LISTED_COMMAND.matcher(line);
            if (line.equals("Commands:")) {
                inList = true;
            } else if (inList && listed.matches()) {
                command = listed.group(1);
                summaries.put(command, listed.group(2).strip());
            } else if (inList && command != null && line.startsWith("   ")) {
                summaries.merge(command, " " + line.strip(), String::concat); // a summary picocli wrapped
            } else {
                inList = false;
            }
        }
        return summaries;
    }

    /** The lines of the description: after the usage synopsis (whose wrapped lines are indented), before the options. */
    private static List<String> description(String help) {
        List<String> lines = help.lines().toList();
        int i = 1;
        while (i < lines.size() && lines.get(i).startsWith(" ")) {
            i++;
        }
        List<String> description = new ArrayList<>();
        for (; i < lines.size() && !lines.get(i).isEmpty() && !lines.get(i).startsWith(" ") && !lines.get(i).equals("Commands:"); i++) {
            description.add(lines.get(i));
        }
        return description;
    }
}
