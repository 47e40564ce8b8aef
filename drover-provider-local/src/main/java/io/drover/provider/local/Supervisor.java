package io.drover.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The init process of a local server: a tiny systemd that starts the server's enabled units in order and keeps
 * them running. Started detached ({@code setsid}) by {@link LocalProvider}, so it and every process it starts form
 * one process group that outlives the CLI and can be killed as a whole.
 *
 * <p>Uses nothing but the JDK, so it runs from this module's own code source with a tiny heap. Its output (one
 * line per event) goes to {@code logs/supervisor.log}, which the provider redirects it to.
 *
 * <p>It stops its units (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}) when it gets SIGTERM, and exits by itself
 * when its server directory disappears.
 */
public final class Supervisor {
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(4);
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path serverDir;
    private final Path root;
    private final SupervisorConfig config;
    private final String path;
    private final List<UnitRunner> runners = new ArrayList<>();
    private boolean stopped; // guarded by this

    Supervisor(Path serverDir, SupervisorConfig config, String path) {
        this.serverDir = serverDir;
        this.root = serverDir.resolve("root");
        this.config = config;
        this.path = path == null || path.isBlank() ? DEFAULT_PATH : path;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Supervisor SERVER_DIR");
            System.exit(2);
        }
        Path serverDir = Path.of(args[0]).toAbsolutePath().normalize();
        Supervisor supervisor = new Supervisor(serverDir, SupervisorConfig.read(serverDir.resolve(SupervisorConfig.NAME)), System.getenv("PATH"));
        supervisor.run();
    }

    private void run() throws IOException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-units"));
        log("supervisor " + ProcessHandle.current().pid() + " of " + config.serverName() + " (" + config.ip() + ") starting units " + config.units());
        Files.createDirectories(serverDir.resolve("logs"));
        Path unitRoot = root;
        if (config.image().chroot()) {
            unitRoot = mountImage();
        }
        // The pid file is what tells the provider "running"; write it before the units, which may take a while.
        PidFile.current().write(serverDir.resolve(PidFile.NAME));
        for (String name : config.units()) {
            UnitRunner runner;
            try {
                ServiceUnit unit = config.image().chroot()
                        ? ServiceUnit.resolve(UnitFile.load(unitRoot, name), unitRoot, Path.of("/"), config.serverName(), baseEnvironment())
                        : ServiceUnit.resolve(UnitFile.load(root, name), root, config.serverName(), baseEnvironment());
                runner = new UnitRunner(unit, unitRoot, serverDir.resolve("logs").resolve(name + ".log"), Supervisor::log,
                        config.image().chroot() ? unitRoot : null);
            } catch (IOException | RuntimeException e) {
                log(name + ": cannot load: " + e.getMessage());
                continue;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                runners.add(runner);
            }
            runner.start();
        }
        log("all units started");
        // Like a VM whose disk was deleted: without its directory the server is gone.
        while (Files.isDirectory(serverDir)) {
            Thread.sleep(1000);
        }
        log("server directory " + serverDir + " disappeared, exiting");
        System.exit(0);
    }

    /**
     * Makes the server's root inside this process's private mount namespace (the provider starts the supervisor
     * with {@code unshare --mount}): the image below the server's own directory as an overlay, and /proc. The
     * mounts vanish with the namespace when the last process of the server exits; the host never sees them.
     */
    private Path mountImage() throws IOException, InterruptedException {
        Path merged = config.image().merged(serverDir);
        if (config.image().lower() != null) {
            Path work = serverDir.resolve("overlay-work");
            Files.createDirectories(merged);
            Files.createDirectories(work);
            mount(List.of("mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + config.image().lower() + ",upperdir=" + root + ",workdir=" + work, merged.toString()));
        }
        Files.createDirectories(merged.resolve("proc"));
        mount(List.of("mount", "-t", "proc", "proc", merged.resolve("proc").toString()));
        log("root " + merged + (config.image().lower() == null ? " (a copy of the image)" : " (overlay of " + config.image().lower() + ")"));
        return merged;
    }

    private static void mount(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            log("cannot " + String.join(" ", command) + ": " + output);
            System.exit(1); // before the pid file: the provider reports the start as failed, with this log
        }
    }

    private Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        boolean chroot = config.image().chroot();
        env.put("PATH", chroot ? DEFAULT_PATH : path); // the image's programs, not the host's PATH
        env.put("HOME", chroot ? "/root" : root.resolve("root").toString());
        env.put("DROVER_ROOT", chroot ? "/" : root.toString());
        env.put("DROVER_SERVER_NAME", config.serverName());
        env.put("DROVER_SERVER_IP", config.ip());
        return env;
    }

    /** Stops every unit, last started first: SIGTERM to all, then SIGKILL to whatever is left at the deadline. */
    private void stop() {
        List<UnitRunner> toStop;
        synchronized (this) {
            stopped = true;
            toStop = new ArrayList<>(runners.reversed());
        }
        log("stopping " + toStop.size() + " units");
        toStop.forEach(UnitRunner::terminate);
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        try {
            for (UnitRunner runner : toStop) {
                runner.awaitOrKill(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log("stopped");
    }

    private static synchronized void log(String message) {
        System.out.println(Instant.now() + " " + message);
        System.out.flush();
    }
}
