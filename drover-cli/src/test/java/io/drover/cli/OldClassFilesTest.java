package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * picocli's Java 5 class files are left out of JDK 25's start-up cache, so the build upgrades them in the CLI's jar
 * (drover-cli/src/build/OldClassFiles.java, run by bin/start-cache): with the real picocli jar, a cache made by this JDK
 * the way bin/start-cache makes one holds none of picocli's classes as shipped, and all it loads once upgraded.
 */
class OldClassFilesTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path dir;

    @Test
    void picocliAsShippedIsLeftOutOfTheStartUpCache() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "seen with JDK 25's AOT cache; CDS archives of JDK 21-24 untested");
        Path jar = Files.copy(picocliJar(), dir.resolve("picocli.jar"));

        List<String> picocli = picocliClassesLoaded(jar);

        assertThat(picocli).isNotEmpty().noneMatch(OldClassFilesTest::fromCache);
    }

    @Test
    void upgradedPicocliRunsFromTheStartUpCache() throws Exception {
        Path jar = Files.copy(picocliJar(), dir.resolve("picocli.jar"));

        upgrade(jar);
        List<String> picocli = picocliClassesLoaded(jar);

        assertThat(picocli).hasSizeGreaterThan(20).allMatch(OldClassFilesTest::fromCache);
    }

    @Test
    void aJarWithoutOldClassFilesIsLeftAsItWas() throws Exception {
        Path jar = Files.copy(picocliJar(), dir.resolve("picocli.jar"));
        upgrade(jar);
        byte[] once = Files.readAllBytes(jar);

        upgrade(jar);

        assertThat(Files.readAllBytes(jar)).isEqualTo(once);
    }

    /** Runs the build's upgrade on {@code jar}, as bin/start-cache does. */
    private void upgrade(Path jar) throws IOException, InterruptedException {
        assertThat(run(List.of(JAVA.toString(), "-cp", System.getProperty("java.class.path"),
                REPO.resolve("drover-cli/src/build/OldClassFiles.java").toString(), jar.toString())))
                .as("the upgrade's exit code (%s)", dir.resolve("out.txt")).isZero();
    }

    private static boolean fromCache(String line) {
        return line.contains("shared objects file");
    }

    /** The class-loading log lines of picocli's classes when its own command line runs with a cache made by a run of it. */
    private List<String> picocliClassesLoaded(Path jar) throws Exception {
        boolean aot = Runtime.version().feature() >= 25; // as bin/start-cache: an AOT cache, else a CDS archive
        Path cache = dir.resolve(aot ? "picocli.aot" : "picocli.jsa");
        List<String> command = List.of("-cp", jar.toString(), "picocli.AutoComplete", "--help");
        run(with(aot ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache, command));
        Path log = dir.resolve("classes.log");
        run(with(List.of(aot ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache, "-Xlog:class+load=info:file=" + log), command));
        return Files.readAllLines(log).stream().filter(l -> l.contains(" picocli.")).toList();
    }

    private static List<String> with(String flag, List<String> command) {
        return with(List.of(flag), command);
    }

    private static List<String> with(List<String> flags, List<String> command) {
        List<String> all = new ArrayList<>(List.of(JAVA.toString(), "-XX:+UseSerialGC"));
        all.addAll(flags);
        all.addAll(command);
        return all;
    }

    /** Runs {@code command} to its end and returns its exit code (AutoComplete's help ends with a code of its own). */
    private int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s ends", command).isTrue();
        return p.exitValue();
    }

    private static Path picocliJar() throws Exception {
        return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
