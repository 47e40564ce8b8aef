package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.ProviderException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a server's {@link Supervisor} detached from drover (its own session, so it outlives the command, as a VM
 * outlives Terraform) and waits until it runs: until its pid file names a live process, the launcher failed, or the
 * start timeout passed. The wait is on the pid file's appearance (a directory watch), bounded by the deadline, so a
 * supervisor that starts in 300 ms is seen in 300 ms.
 */
final class SupervisorLaunch {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How often the launcher's exit is checked while no file event comes: a process's exit makes no file event. */
    private static final Duration EXIT_CHECK = Duration.ofMillis(50);
    private static final List<String> INHERITED_ENVIRONMENT = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ");

    private final LocalSettings settings;

    SupervisorLaunch(LocalSettings settings) {
        this.settings = settings;
    }

    /** Starts the supervisor of the server in {@code serverDir} and returns once it runs. */
    void start(String name, Path serverDir, ImageRoot imageRoot) throws ProviderException, IOException {
        Path log = serverDir.resolve("logs").resolve("supervisor.log");
        Path pidFile = serverDir.resolve(PidFile.NAME);
        try (WatchService watch = serverDir.getFileSystem().newWatchService()) {
            // Watched before the launch, so that a pid file written at once is not missed.
            serverDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            Process launcher = launch(name, serverDir, imageRoot, log);
            // setsid execs java in place unless it has to fork, so the launcher may or may not be the supervisor.
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                if (PidFile.read(pidFile).filter(PidFile::alive).isPresent()) {
                    return;
                }
                if (!launcher.isAlive() && launcher.exitValue() != 0 && PidFile.read(pidFile).isEmpty()) {
                    throw new ProviderException("the supervisor of server " + name + " failed to start (exit status "
                            + launcher.exitValue() + "): " + tail(log) + " (the supervisor runs on " + settings.java()
                            + "; point the provider's 'java' setting at a Java 21+ binary if that is wrong)");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProviderException("the supervisor of server " + name + " did not start within "
                            + START_TIMEOUT.toSeconds() + "s: " + tail(log), true, null);
                }
                var key = watch.poll(Math.min(left, EXIT_CHECK.toNanos()), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("starting server " + name, e);
        }
    }

    private Process launch(String name, Path serverDir, ImageRoot imageRoot, Path log) throws ProviderException {
        List<String> command = new ArrayList<>(List.of("setsid"));
        if (imageRoot.chroot()) {
            // A private mount namespace for the server's image mounts; the network namespace stays the host's.
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "--"));
        }
        command.addAll(List.of(settings.java(),
                "-Xmx24m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", supervisorClassPath().toString(),
                Supervisor.class.getName(), serverDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(serverDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        for (String key : INHERITED_ENVIRONMENT) {
            String value = settings.environment().get(key);
            if (value != null) {
                builder.environment().put(key, value);
            }
        }
        builder.environment().putIfAbsent("PATH", Supervisor.DEFAULT_PATH);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ProviderException("cannot start the supervisor of server " + name + ": " + FileErrors.describe(e)
                    + " (the local provider needs 'setsid' from util-linux and the java binary " + settings.java() + ")", e);
        }
    }

    private static Path supervisorClassPath() throws ProviderException {
        try {
            return Path.of(Supervisor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new ProviderException("cannot locate the local provider's own classes to run the supervisor from: " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output in " + log + ")" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no output in " + log + ")";
        }
    }
}
