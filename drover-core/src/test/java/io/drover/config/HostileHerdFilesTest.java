package io.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files made to hurt: devices, FIFOs, huge files, alias bombs, deep nesting, thousands of problems. Each one is
 * refused with one clear problem, quickly, and the loader's work stays linear in the file's size.
 */
class HostileHerdFilesTest {
    /** What validating a 4 MB file may cost: the loader's own thread, so that a busy machine does not fail it. */
    private static final Duration BUDGET = Duration.ofSeconds(2);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    private final HerdLoader loader = new HerdLoader(FakeProviderFactory.ALL);

    private ConfigException refused(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));
        assertThat(e).as("a ConfigException for " + file).isNotNull();
        return e;
    }

    @Test
    void aDeviceIsRefusedWithoutReadingIt() {
        // /dev/zero never ends: reading it would hang and fill the memory.
        ConfigException e = refused(Path.of("/dev/zero"));

        assertThat(e.problems()).singleElement().hasToString(
                "/dev/zero: cannot read herd file: it is not a regular file (a device, FIFO or socket) (pass the path of a YAML file with --file)");
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        // Opening a FIFO for reading blocks until a writer comes: the check must not open it.
        Path fifo = dir.resolve("drover.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();

        ConfigException e = refused(fifo);

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).endsWith("it is not a regular file (a device, FIFO or socket)"));
    }

    @Test
    void aFileOverFourMegabytesIsRefusedBeforeItIsRead() throws Exception {
        Path big = dir.resolve("drover.yaml");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(20L * 1024 * 1024); // sparse: costs nothing to make
        }

        ConfigException e = refused(big);

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(SourcePosition.unknown(big));
            assertThat(p.message()).isEqualTo("herd file is too large: it has 20.0 MB, more than the 4 MB allowed");
        });
    }

    @Test
    void aLocalFileThatIsADeviceIsAProblemAtItsName() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(
                HerdLoaderProblemsTest.firstBoot("storage:\n  files:\n    - {path: /x, contents: {local: /dev/zero}}\n"),
                dir.resolve("drover.yaml")));

        assertThat(e.problems()).singleElement().hasToString(dir.resolve("drover.yaml")
                + ":9:42: cannot read local file '/dev/zero': it is not a regular file (a device, FIFO or socket) (name a regular file)");
    }

    @Test
    void anAliasBombStopsAtTheAliasThatExpandsTooFar() {
        StringBuilder yaml = new StringBuilder("herd: t\nclusters:\n  a: {size: 1, image: host}\nx0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("x").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(9))
                    .append("*a").append(i - 1).append("]\n");
        }

        ConfigException e = timed(() -> loader.parse(yaml.toString(), Path.of("drover.yaml")));

        // 10^6 values after x5; the 21st alias of x5's list pushes the total past the bound.
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("the YAML aliases in this file expand to more than 200000 values");
            assertThat(p.where().line()).isEqualTo(9);
        });
    }

    @Test
    void deepNestingIsOneProblemWhereItGetsTooDeep() {
        String yaml = "herd: t\nclusters:\n  a: {size: 1, image: host, x: " + "[".repeat(1000) + "]".repeat(1000) + "}\n";

        ConfigException e = timed(() -> loader.parse(yaml, Path.of("drover.yaml")));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("the YAML is too deep or too long here: Document nesting depth (501) exceeds");
            assertThat(p.where().line()).isEqualTo(3);
        });
    }

    @Test
    void aFourMegabyteFileOfEverythingIsCheckedInLinearTime() throws Exception {
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, hostileFile(3_900_000));
        assertThat(Files.size(file)).isBetween(3_800_000L, (long) TextFile.MAX_BYTES);
        // Once first, so that the time measured is the loader's and not the JIT compiler's (a cold JVM needs about
        // as long again, on a busy machine more).
        catchThrowableOfType(ConfigException.class, () -> loader.load(file));

        ConfigException e = timed(() -> loader.load(file));

        // Problems stop being listed at 100; a last line counts the rest.
        assertThat(e.problems()).hasSize(Problems.LIMIT + 1);
        assertThat(e.problems().get(0).toString()).startsWith(file + ":5008:43: unknown key 'a' in the provider options of cluster 'deep'");
        assertThat(e.problems().get(1).toString()).contains(": 'size' must be between 1 and 1000, got 0");
        assertThat(e.problems().get(Problems.LIMIT).message()).matches("\\.\\.\\. and \\d+ more problems \\(only the first 100 found are listed\\)");
    }

    /**
     * Many variables, many clusters with templated first-boot files and units, a long literal block full of
     * references, one very long line, deep nesting and a problem in every tenth cluster.
     */
    static String hostileFile(int size) {
        StringBuilder yaml = new StringBuilder("herd: big\nvariables:\n");
        for (int i = 0; i < 5000; i++) {
            yaml.append("  v").append(i).append(": value-").append(i).append('\n');
        }
        yaml.append("  long: \"").append("a$${x}b".repeat(50_000)).append("\"\n");
        yaml.append("outputs:\n  long: \"").append("${var.v1}/".repeat(30_000)).append("\"\nclusters:\n");
        yaml.append("  flow: {size: 1, image: host, dependsOn: [").append("c1, ".repeat(150_000)).append("c1]}\n");
        yaml.append("  deep: {size: 1, image: host, provider: ").append("{a: ".repeat(400)).append('1').append("}".repeat(400)).append("}\n");
        yaml.append("  block:\n    size: 1\n    image: host\n    firstBoot:\n      storage:\n        files:\n          - path: /etc/block\n"
                + "            contents:\n              inline: |\n");
        for (int i = 0; i < 10_000; i++) {
            yaml.append("                line ").append(i).append(" ${server.ip} ${var.v").append(i % 5000).append("}\n");
        }
        for (int i = 0; yaml.length() < size - 400; i++) {
            yaml.append("  c").append(i).append(":\n    size: ").append(i % 10 == 0 ? 0 : 1).append("\n    image: host\n")
                    .append("    firstBoot:\n      storage:\n        files:\n          - path: /etc/f").append(i)
                    .append("\n            contents: {inline: \"x ${server.ip} ${var.v").append(i % 5000).append("}\"}\n")
                    .append("      systemd:\n        units:\n          - name: u.service\n            contents: |\n")
                    .append("              [Service]\n              ExecStart=/bin/echo ${cluster.name} ").append(i).append('\n');
        }
        return yaml.toString();
    }

    private interface Load {
        void run() throws ConfigException;
    }

    /** Runs a load that must fail, within {@link #BUDGET} of this thread's CPU time. */
    private static ConfigException timed(Load load) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        ConfigException e = catchThrowableOfType(ConfigException.class, load::run);
        Duration used = Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - cpu);
        System.out.printf("loaded in %d ms of CPU, %d ms of wall time%n", used.toMillis(), (System.nanoTime() - wall) / 1_000_000);
        assertThat(e).isNotNull();
        assertThat(used).as("CPU time of the load").isLessThan(BUDGET);
        return e;
    }
}
