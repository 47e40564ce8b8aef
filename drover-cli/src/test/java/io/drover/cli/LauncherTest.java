package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/find-jdk and bin/drover, run by sh as users run them: the JDK is found from its release file without starting
 * any JVM, each command starts with its JVM flags and the start-up cache the build made for it, and a cache the JVM
 * cannot use (made for another JDK or jar, damaged) never changes what a command prints. A checkout is faked in a temporary directory: the two scripts and a tiny jar in place of the CLI's.
 */
class LauncherTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** A fake JDK: a release file, and a java that records that it was started (and fails). */
    private Path fakeJdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho started >> '" + dir.resolve("java-started") + "'\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private Result sh(Map<String, String> env, String script) throws IOException, InterruptedException {
        return exec(env, List.of("sh", "-c", script));
    }

    @Test
    void findJdkReadsTheReleaseFileWithoutStartingAJvm() throws Exception {
        Path jdk = fakeJdk("jdk-21", "21.0.4");

        Result r = sh(Map.of("JAVA_HOME", jdk.toString()), ". '" + REPO.resolve("bin/find-jdk") + "' && echo \"$JAVA_HOME $DROVER_JAVA_MAJOR $DROVER_JAVA_VERSION\"");

        assertThat(r.out().strip()).isEqualTo(jdk + " 21 21.0.4");
        assertThat(dir.resolve("java-started")).doesNotExist();
    }

    @Test
    void findJdkPassesOverAnOldJavaHomeToTheJavaOnPathAndCachesTheChoice() throws Exception {
        Path old = fakeJdk("jdk-17", "17.0.9");
        Path current = fakeJdk("jdk-25", "25.0.1");
        Path path = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(path.resolve("java"), current.resolve("bin/java"));
        Map<String, String> env = Map.of("JAVA_HOME", old.toString(), "PATH", path + ":/usr/bin:/bin", "XDG_CACHE_HOME", dir.resolve("cache").toString());
        String script = ". '" + REPO.resolve("bin/find-jdk") + "' && echo \"$JAVA_HOME $DROVER_JAVA_MAJOR\"";

        Result first = sh(env, script);
        Result cached = sh(env, script);

        assertThat(first.out().strip()).isEqualTo(current + " 25");
        assertThat(cached.out().strip()).isEqualTo(current + " 25");
        assertThat(dir.resolve("cache/drover/jdk")).exists();
        assertThat(dir.resolve("java-started")).doesNotExist();
    }

    /** A fake JDK whose java prints the arguments bin/drover starts it with. */
    private Path echoingJdk() throws IOException {
        Path home = fakeJdk("jdk-echo", "25.0.1");
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\necho \"$@\"\n");
        return home;
    }

    @Test
    void shortCommandsGetTheQuickCompilerAndLongRunningOnesTheNormalCompilers() throws Exception {
        Path checkout = fakeCheckout();
        Map<String, String> env = Map.of("JAVA_HOME", echoingJdk().toString());
        Path drover = checkout.resolve("bin/drover");

        for (String command : List.of("version", "plan", "status", "render")) {
            assertThat(exec(env, List.of(drover.toString(), "-f", "x.yaml", command)).out()).as(command).contains("-XX:TieredStopAtLevel=1");
        }
        for (String command : List.of("heal", "serve", "apply", "bake", "restore", "destroy")) {
            assertThat(exec(env, List.of(drover.toString(), "-f", "x.yaml", command)).out()).as(command)
                    .doesNotContain("TieredStopAtLevel", "CompileThresholdScaling").contains("-XX:+UseSerialGC");
        }
    }

    /** The build's caches, each passed to the command it was made for, and the others' to the full one. */
    @Test
    void eachCommandIsStartedWithTheCacheTheBuildMadeForIt() throws Exception {
        Path checkout = fakeCheckout();
        Path jdk = echoingJdk();
        Path cacheDir = madeCaches(checkout, jdk, "25.0.1", "aot");
        Path drover = checkout.resolve("bin/drover");

        for (String command : Training.OWN_CACHE) {
            assertThat(exec(Map.of("JAVA_HOME", jdk.toString()), List.of(drover.toString(), command)).out())
                    .contains("-XX:AOTCache=" + cacheDir.resolve(command + ".aot"));
        }
        assertThat(exec(Map.of("JAVA_HOME", jdk.toString()), List.of(drover.toString(), "apply")).out())
                .contains("-XX:AOTCache=" + cacheDir.resolve("full.aot"));
    }

    /** bin/start-cache makes the kinds bin/drover picks from: a cache per command of Training.OWN_CACHE, and the full one. */
    @Test
    void theBuildMakesTheCachesTheLauncherPicksFrom() throws Exception {
        String launcher = Files.readString(REPO.resolve("bin/drover"));
        String build = Files.readString(REPO.resolve("bin/start-cache"));

        assertThat(caseList(launcher, "kind=$a")).containsExactlyInAnyOrderElementsOf(Training.OWN_CACHE);
        String kinds = build.lines().filter(l -> l.startsWith("kinds=")).findFirst().orElseThrow();
        assertThat(kinds.substring(kinds.indexOf('"') + 1, kinds.lastIndexOf('"')).split(" "))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(Training.OWN_CACHE.stream(), java.util.stream.Stream.of("full")).toList());
    }

    /**
     * A cache made for another JDK is not passed to this one (were it, the JVM's complaint about a damaged file would
     * show under --debug); --debug says so in one line, and without it nothing is said.
     */
    @Test
    void aCacheMadeForAnotherJdkIsLeftOutAndOnlyDebugSaysSo() throws Exception {
        Path checkout = fakeCheckout();
        Path javaHome = Path.of(System.getProperty("java.home"));
        boolean aot = Runtime.version().feature() >= 25;
        Path cacheDir = madeCaches(checkout, dir.resolve("another-jdk"), "25.0.1", aot ? "aot" : "jsa");
        Files.writeString(cacheDir.resolve(aot ? "plan.aot" : "plan.jsa"), "not a cache\n");
        Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString());
        Path drover = checkout.resolve("bin/drover");

        Result debug = exec(env, List.of(drover.toString(), "plan", "--debug"));
        Result quiet = exec(env, List.of(drover.toString(), "plan"));

        assertThat(debug.out()).isEqualTo("probe plan --debug\n");
        assertThat(debug.err().lines()).as(debug.toString()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("drover: no start-up cache: it was made for " + dir.resolve("another-jdk") + " 25.0.1");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.out()).isEqualTo("probe plan\n");
        assertThat(quiet.err()).isEmpty();
    }

    /**
     * A cache file that is garbage, then a real cache of another jar, both recorded as made by this JDK: bin/drover
     * hands them to the JVM, which must refuse them without a word and run the command as usual.
     */
    @Test
    void aStartUpCacheTheJvmRefusesChangesNothingUsersSee() throws Exception {
        Path checkout = fakeCheckout();
        int major = Runtime.version().feature();
        String ext = major >= 25 ? "aot" : "jsa";
        Path javaHome = Path.of(System.getProperty("java.home"));
        // "one two" is not a command with a cache of its own: the full cache.
        Path cache = madeCaches(checkout, javaHome, releaseVersion(javaHome), ext).resolve("full." + ext);
        Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString());
        Path drover = checkout.resolve("bin/drover");

        Files.writeString(cache, "not a cache\n");
        Result damaged = exec(env, List.of(drover.toString(), "one", "two"));

        Path other = dir.resolve("other.jar");
        writeJar(other);
        Path otherCache = dir.resolve("other." + ext);
        Result made = exec(Map.of(), List.of(javaHome.resolve("bin/java").toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:CompileThresholdScaling=20", "-XX:-UsePerfData", major >= 25 ? "-XX:AOTCacheOutput=" + otherCache : "-XX:ArchiveClassesAtExit=" + otherCache,
                "-cp", other.toString(), "io.drover.cli.Main"));
        assertThat(otherCache).as(made.toString()).exists();
        Files.copy(otherCache, cache, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now()));
        Result foreign = exec(env, List.of(drover.toString(), "one", "two"));

        for (Result r : List.of(damaged, foreign)) {
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).as(r.toString()).isEqualTo("probe one two\n");
            assertThat(r.err()).as(r.toString()).isEmpty();
        }
    }

    /** Without caches (a build that skipped them), in a checkout nobody may write to: the command runs, and writes nothing. */
    @Test
    void aReadOnlyCheckoutWithoutCachesRunsTheCommandAndWritesNothing() throws Exception {
        Path checkout = fakeCheckout();
        Path target = checkout.resolve("drover-cli/target");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Result r = exec(Map.of("JAVA_HOME", System.getProperty("java.home")), List.of(checkout.resolve("bin/drover").toString(), "--flag"));

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("probe --flag\n");
            assertThat(r.err()).isEmpty();
            try (var files = Files.list(target)) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactly("drover.jar");
            }
        } finally {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Caches as the build leaves them: a file per kind, newer than the jar, and the JDK that made them. */
    private static Path madeCaches(Path checkout, Path javaHome, String version, String ext) throws IOException {
        Path jar = checkout.resolve("drover-cli/target/drover.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        Path cacheDir = Files.createDirectories(checkout.resolve("drover-cli/target/start-cache"));
        for (String kind : java.util.stream.Stream.concat(Training.OWN_CACHE.stream(), java.util.stream.Stream.of("full")).toList()) {
            Files.writeString(cacheDir.resolve(kind + "." + ext), "a cache\n");
        }
        Files.writeString(cacheDir.resolve("jdk"), javaHome + "\n" + version + "\n");
        return cacheDir;
    }

    /** The commands of the {@code a|b|c) ACTION} line of a shell case. */
    private static List<String> caseList(String script, String action) {
        return script.lines().map(String::strip).filter(l -> l.contains(") " + action))
                .map(l -> List.of(l.substring(0, l.indexOf(')')).split("\\|"))).findFirst().orElseThrow();
    }

    /** JAVA_VERSION from a JDK's release file, as bin/find-jdk reads it. */
    private static String releaseVersion(Path javaHome) throws IOException {
        for (String line : Files.readAllLines(javaHome.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                return line.substring("JAVA_VERSION=".length()).replace("\"", "");
            }
        }
        throw new AssertionError("no JAVA_VERSION in " + javaHome.resolve("release"));
    }

    private Path fakeCheckout() throws IOException {
        Path checkout = dir.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("drover-cli/target"));
        for (String script : List.of("drover", "find-jdk")) {
            Files.copy(REPO.resolve("bin").resolve(script), checkout.resolve("bin").resolve(script));
        }
        writeJar(checkout.resolve("drover-cli/target/drover.jar"));
        return checkout;
    }

    /**
     * A jar whose io.drover.cli.Main (the class bin/drover starts) prints its arguments after "probe", compiled here:
     * the test's class path has the real one.
     */
    private void writeJar(Path jar) throws IOException {
        Path src = Files.createTempDirectory(dir, "probe");
        Path source = Files.createDirectories(src.resolve("io/drover/cli")).resolve("Main.java");
        Files.writeString(source, """
                package io.drover.cli;

                public final class Main {
                    public static void main(String[] args) {
                        System.out.println("probe " + String.join(" ", args));
                    }
                }
                """);
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", src.toString(), source.toString());
        assertThat(compiled).as("the stand-in main class compiles").isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.drover.cli.Main");
        String entry = "io/drover/cli/Main.class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(src.resolve(entry)));
            out.closeEntry();
        }
    }

    record Result(int exitCode, String out, String err) {}

    private Result exec(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove("JAVA_HOME");
        environment.remove("DROVER_JAVA_CACHE");
        environment.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        environment.putAll(env);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process p = builder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
