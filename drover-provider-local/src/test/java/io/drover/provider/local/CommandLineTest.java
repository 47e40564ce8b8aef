package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.Cluster;
import io.drover.config.EtcdOptions;
import io.drover.config.HealthCheck;
import io.drover.config.Role;
import io.drover.config.SourcePosition;
import io.drover.render.ExecLine;
import io.drover.render.FirstBoot;
import io.drover.roles.ClusterRole;
import io.drover.roles.EtcdRole;
import io.drover.spi.Endpoint;
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

    /** Values that systemd would split, unquote, expand or cut if they were written as they are. */
    private static final List<String> HOSTILE = List.of("a b", "say \"hi\"", "it's", "back\\slash", "50%", "%S", "$HOME", "${HOME}",
            "$$", ";", "", "{\"maxsize\": 100, \"compress\": false}", "tab\\t", "\\x41", "#not-a-comment", "--x=\"y z\"");

    @Test
    void everyValueWrittenAsALiteralIsReadBackAsExactlyThatOneArgument() {
        String line = "/bin/echo " + String.join(" ", HOSTILE.stream().map(ExecLine::literal).toList());

        CommandLine command = CommandLine.parse(line, specifiers, Map.of("HOME", "/home/u"));

        assertThat(command.argv()).containsExactlyElementsOf(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("/bin/echo"), HOSTILE.stream()).toList());
    }

    @Test
    void etcdFlagsRenderedByTheEngineReachEtcdAsOneArgumentEach() throws Exception {
        Map<String, String> flags = new java.util.TreeMap<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            flags.put("flag-" + (char) ('a' + i), HOSTILE.get(i));
        }
        Cluster cluster = new Cluster("etcd", 1, Role.ETCD, "host", 1, List.of(), new EtcdOptions(2379, 2380, flags, false, null),
                HealthCheck.defaultFor(Role.ETCD), FirstBoot.EMPTY, Map.of(), true, SourcePosition.unknown(Path.of("drover.yaml")));
        Endpoint self = new Endpoint("etcd-0-1", "127.0.0.2");
        FirstBoot config = new EtcdRole("h", cluster, Duration.ofSeconds(1), null)
                .join(self, new ClusterRole.Peers(List.of(), new ClusterRole.Bootstrap(List.of(self)), List.of()));

        UnitFile unit = new UnitFile(EtcdRole.UNIT, UnitFile.parse(config.units().get(0).contents()));
        List<String> execStart = unit.values("Service", "ExecStart");

        assertThat(execStart).hasSize(1);
        assertThat(unit.values("Service", "ExecStartPre")).isEmpty();
        List<String> argv = CommandLine.parse(execStart.get(0), specifiers, Map.of("HOME", "/home/u")).argv();
        assertThat(argv).containsSequence("/usr/bin/etcd", "--data-dir=/srv/s/root/var/lib/etcd", "--pre-vote=true");
        flags.forEach((k, v) -> assertThat(argv).contains("--" + k + "=" + v));
        assertThat(argv).hasSize(3 + flags.size());
    }
}
