package io.drover.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The drover command line in a JVM of its own, so that it can be killed with SIGKILL or given another
 * environment. It runs on this test JVM's class path (surefire is told not to hide it in a manifest-only jar).
 */
final class DroverProcess {
    private final Path workDir;
    private final Map<String, String> environment;
    private final String logName;

    /**
     * @param environment the whole environment of the child (nothing is inherited), or null to inherit this one's
     */
    DroverProcess(Path workDir, Map<String, String> environment) {
        this(workDir, environment, "drover.log");
    }

    /** @param logName the file in {@code workDir} its output goes to (processes running at once need their own) */
    DroverProcess(Path workDir, Map<String, String> environment, String logName) {
        this.workDir = workDir;
        this.environment = environment;
        this.logName = logName;
    }

    /** Starts drover with these arguments; its output goes to a file in the working directory. */
    Process start(String... args) {
        return startMain("io.drover.cli.Main", args);
    }

    /** Starts another main class of this class path (a test's helper) the same way. */
    Process startMain(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // bin/drover's JVM flags: a small, fast-starting JVM (heal too runs on them)
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs drover to the end (or fails the test after {@code timeout}). */
    Cli.Result run(Duration timeout, String... args) {
        Process process = start(args);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("drover " + String.join(" ", args) + " still runs after " + timeout + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Cli.Result(process.exitValue(), output(), "");
    }

    /** What the last process printed (stdout and stderr). */
    String output() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path log() {
        return workDir.resolve(logName);
    }
}
