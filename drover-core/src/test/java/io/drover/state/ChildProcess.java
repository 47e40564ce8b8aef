package io.drover.state;


import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link StateStoreChild} JVM: its output lines as they come, a way to talk to it, and kill -9. */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    /** When each line was first read ({@link System#nanoTime()}), for tests that time a moment from the child's output. */
    private final Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private final Writer stdin;
    private final Thread reader;

    private ChildProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = Thread.ofPlatform().daemon().name("child-" + process.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    seen.putIfAbsent(line, System.nanoTime());
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e.getMessage() + ")");
            }
        });
    }

    /** Starts {@code StateStoreChild COMMAND} on this JVM's class path, with these extra environment variables. */
    public static ChildProcess start(String command, List<String> storeArgs, Map<String, String> environment, Path workDir) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                StateStoreChild.class.getName(), command));
        cmd.addAll(storeArgs);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).directory(workDir.toFile());
        b.environment().putAll(environment);
        try {
            return new ChildProcess(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for an output line starting with {@code prefix} and returns it. */
    public String await(String prefix, Duration timeout) {
        try {
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                    .failFast(() -> !process.isAlive() && find(prefix) == null)
                    .until(() -> find(prefix) != null);
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            try {
                reader.join(2000); // everything it printed, for the message
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("child " + pid() + (process.isAlive() ? " still runs" : " exited with " + process.exitValue())
                    + " without printing '" + prefix + "' within " + timeout + "; it printed: " + lines, e);
        }
        return find(prefix);
    }

    /** When this exact line was first read ({@link System#nanoTime()}), or null if it has not been. */
    public Long seenAt(String line) {
        return seen.get(line);
    }

    public String find(String prefix) {
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** The last output line starting with {@code prefix}, or null. */
    public String last(String prefix) {
        String found = null;
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                found = line;
            }
        }
        return found;
    }

    public void tell(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hooks, no lock release, no cleanup. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + pid() + " still runs after " + timeout + ": " + lines);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
