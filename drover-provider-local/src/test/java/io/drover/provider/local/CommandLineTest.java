package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private final Specifiers specifiers = Specifiers.forUnit(Path.of("/srv/s/root"), "etcd-0", "etcd.service");

    @Test
    void splitsLikeSystemd() {
        assertThat(CommandLine.splitWords("a  \"b c\" 'd \"e\"' f\\ g \"h\\\"i\" \\x41\\101"))
                .containsExactly("a", "b c", "d \"e\"", "f g", "h\"i", "AA");
    }

    @Test
    void honoursTheDashPrefixAndDropsArgv0OfTheAtPrefix() {
        CommandLine command = CommandLine.parse("-@/bin/sleep sleeper 10", specifiers, Map.of());

        assertThat(command.ignoreFailure()).isTrue();
        assertThat(command.argv()).containsExactly("/bin/sleep", "10");
    }

    @Test
    void expandsBracedVariablesInsideWordsAndSplitsWholeWordVariables() {
        CommandLine command = CommandLine.parse("/bin/x --ip=${IP} $FLAGS ${FLAGS} $MISSING --data=%S/etcd", specifiers,
                Map.of("IP", "127.0.0.2", "FLAGS", "-a  -b"));

        assertThat(command.argv()).containsExactly("/bin/x", "--ip=127.0.0.2", "-a", "-b", "-a  -b", "--data=/srv/s/root/var/lib/etcd");
    }

    @Test
    void colonPrefixDisablesVariableExpansion() {
        assertThat(CommandLine.parse(":/bin/echo ${X}", specifiers, Map.of("X", "1")).argv()).containsExactly("/bin/echo", "${X}");
    }

    @Test
    void rejectsUnbalancedQuotes() {
        assertThatThrownBy(() -> CommandLine.splitWords("echo \"open")).hasMessage("unbalanced quotes in 'echo \"open'");
    }

    @Test
    void unitFilesMergeDropinsLikeSystemd() {
        UnitFile unit = new UnitFile("x.service", List.of(
                new UnitFile.Assignment("Service", "ExecStart", "/bin/a"),
                new UnitFile.Assignment("Service", "Restart", "always"),
                new UnitFile.Assignment("Service", "ExecStart", ""),
                new UnitFile.Assignment("Service", "ExecStart", "/bin/b"),
                new UnitFile.Assignment("Service", "Restart", "no")));

        assertThat(unit.values("Service", "ExecStart")).containsExactly("/bin/b");
        assertThat(unit.value("Service", "Restart")).contains("no");
    }

    @Test
    void parsesContinuationsAndComments() {
        assertThat(UnitFile.parse("""
                # comment
                [Service]
                ; other comment
                ExecStart=/bin/etcd \\
                  --name x \\
                  --data-dir y
                Type = oneshot
                """)).containsExactly(
                new UnitFile.Assignment("Service", "ExecStart", "/bin/etcd  --name x  --data-dir y"),
                new UnitFile.Assignment("Service", "Type", "oneshot"));
    }

    @Test
    void parsesTimeSpans() {
        assertThat(TimeSpan.parse("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(TimeSpan.parse("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(TimeSpan.parse("1min 30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TimeSpan.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> TimeSpan.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specifiersMapIntoTheRoot() {
        Specifiers s = Specifiers.forUnit(Path.of("/r"), "web-1", "app@blue.service");

        assertThat(s.expand("%S|%E|%C|%L|%t|%h|%H|%l|%n|%N|%p|%i|%%|%z")).isEqualTo(
                "/r/var/lib|/r/etc|/r/var/cache|/r/var/log|/r/run|/r/root|web-1|web-1|app@blue.service|app@blue|app|blue|%|%z");
    }
}
