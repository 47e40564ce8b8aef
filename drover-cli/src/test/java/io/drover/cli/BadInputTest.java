package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.state.FileStateStore;
import io.drover.state.StateLock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What a user sees when they get something wrong: one clear message, a position, exit 2, no stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("drover.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            size zero            | herd: h\\nclusters:\\n  web:\\n    size: 0\\n    image: host\\n                  | :4:11:
            unknown key          | herd: h\\nclusters:\\n  web:\\n    size: 1\\n    image: host\\n    colour: red\\n | :6:5:
            yaml syntax          | herd: h\\nclusters: [\\n                                                          | drover.yaml:
            missing clusters     | herd: h\\n                                                                      | drover.yaml:1:1:
            """)
    void invalidHerdFileExitsTwoWithPositionAndNoStackTrace(String name, String yaml, String position) throws Exception {
        Path f = write(yaml.replace("\\n", "\n"));
        for (String command : new String[] {"validate", "plan", "apply"}) {
            Cli.Result r = Cli.run(command, "-f", f.toString());
            assertThat(r.exitCode()).as(command + " " + r).isEqualTo(2);
            assertThat(r.err()).as(command).contains(position);
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /** Inputs made to hurt, each with what stderr must say (file:line:column where the file has lines). */
    static Stream<Arguments> hostileInputs() {
        String etcd = "herd: h\nclusters:\n  kv:\n    size: 1\n    role: etcd\n    image: host\n    etcd:\n      flags:\n";
        return Stream.of(
                Arguments.of("device", (Setup) dir -> Path.of("/dev/zero"),
                        "/dev/zero: cannot read herd file: it is not a regular file (a device, FIFO or socket)"),
                Arguments.of("fifo", (Setup) dir -> {
                    Path fifo = dir.resolve("drover.yaml");
                    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
                    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
                    return fifo;
                }, "drover.yaml: cannot read herd file: it is not a regular file (a device, FIFO or socket)"),
                Arguments.of("20 MB file", (Setup) dir -> {
                    Path big = dir.resolve("drover.yaml");
                    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
                        file.setLength(20L * 1024 * 1024);
                    }
                    return big;
                }, "drover.yaml: herd file is too large: it has 20.0 MB, more than the 4 MB allowed"),
                Arguments.of("line break in an etcd flag", text(etcd + "        heartbeat-interval: \"100\\nExecStartPre=/bin/touch /tmp/x\"\n"),
                        "drover.yaml:9:33: 'heartbeat-interval' holds a line break (U+000A): this value must be one line"),
                Arguments.of("unknown etcd flag", text(etcd + "        heartbeat-intervall: 100\n"),
                        "drover.yaml:9:9: unknown etcd flag 'heartbeat-intervall' (did you mean 'heartbeat-interval'?"),
                Arguments.of("addresses outside loopback", text("herd: h\nprovider:\n  type: local\n  addresses: 10.0.0.0/8\n"
                        + "clusters:\n  web: {size: 1, image: host}\n"),
                        "drover.yaml:4:14: bad value for 'addresses' in provider (local): 10.0.0.1-10.255.255.254 is not inside 127.0.0.0/8"),
                Arguments.of("prefix over 32", text("herd: h\nprovider: {type: local, addresses: 127.0.0.0/33}\n"
                        + "clusters:\n  web: {size: 1, image: host}\n"),
                        "drover.yaml:2:36: bad value for 'addresses' in provider (local): prefix /33 must be between /8 and /32"),
                Arguments.of("alias bomb", text("herd: h\nclusters:\n  web: {size: 1, image: host}\n"
                        + "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"),
                        "drover.yaml:9:"),
                Arguments.of("deep nesting", text("herd: h\nclusters:\n  web: " + "[".repeat(600) + "]".repeat(600) + "\n"),
                        "drover.yaml:3:"));
    }

    private interface Setup {
        Path herdFile(Path dir) throws Exception;
    }

    private static Setup text(String yaml) {
        return dir -> Files.writeString(dir.resolve("drover.yaml"), yaml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileInputIsRefusedAtOnceWithExitTwoAndNothingWritten(String name, Setup setup, String message) throws Exception {
        Path file = setup.herdFile(dir);
        for (String command : new String[] {"validate", "plan", "apply"}) {
            long start = System.nanoTime();
            Cli.Result r = command.equals("apply") ? Cli.run(command, "--auto-approve", "-f", file.toString())
                    : Cli.run(command, "-f", file.toString());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("%s: drover %s refused it in %d ms%n", name, command, took.toMillis());

            assertThat(r.exitCode()).as(command + " " + r).isEqualTo(2);
            assertThat(r.err()).as(command).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(took).as(command + " took").isLessThan(Duration.ofSeconds(2));
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).as("written by " + command).allMatch(f -> f.equals(file));
            }
        }
    }

    @Test
    void missingHerdFileIsOneClearMessage() {
        Cli.Result r = Cli.run("plan", "-f", dir.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope.yaml").doesNotContain("\tat ");
    }

    /** A file that is not there is not a file with a problem in it: the message says it is missing and how to make one. */
    @Test
    void missingHerdFileIsNotCountedAsAProblemInIt() {
        Path missing = dir.resolve("nope.yaml");
        for (String[] args : List.of(new String[] {"plan", "-f", missing.toString()}, new String[] {"-f", missing.toString(), "validate"})) {
            Cli.Result r = Cli.run(args);

            assertThat(r.err().lines().toList()).as(r.toString()).containsExactly("drover: no herd file at " + missing
                    + " (write one, see docs/herd-file.md, or point to yours with -f FILE)");
            assertThat(Cli.runPlain(args)).isEqualTo(r);
        }
    }

    @Test
    void applyWithoutATerminalAsksForAutoApprove() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        Cli.Result r = Cli.run("apply", "-f", f.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("--auto-approve");
        assertThat(dir.resolve(".drover/state.json")).doesNotExist();
    }

    @Test
    void secondApplyWaitsNamingTheLockHolderThenGivesUpAfterItsLockTimeout() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        try (StateLock held = new FileStateStore(dir.resolve(".drover")).lock("apply")) {
            long start = System.nanoTime();
            Cli.Result r = Cli.run("apply", "--auto-approve", "--lock-timeout", "1s", "-f", f.toString());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("waiting for the state lock, held by 'drover apply'")
                    .contains("locked by 'drover apply'").contains("pid " + ProcessHandle.current().pid());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void lockTimeoutThatIsNotADurationIsAUserError() throws Exception {
        Path f = write("herd: h\nclusters:\n  web:\n    size: 1\n    image: host\n");
        Cli.Result r = Cli.run("apply", "--auto-approve", "--lock-timeout", "soon", "-f", f.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--lock-timeout: 'soon' is not a duration");
    }

    @Test
    void unknownCommandLineOptionIsAUsageError() {
        Cli.Result r = Cli.run("plan", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate");
    }
}
