package io.drover.provider.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one unit of a server: its {@code ExecStartPre=} commands, then its main process, restarted as
 * {@code Restart=} says. Every process's output is appended to the unit's log file. JDK only.
 */
final class UnitRunner {
    private final ServiceUnit unit;
    private final Path root;
    private final Path logFile;
    private final Consumer<String> log;
    private final Object lock = new Object();
    private final CountDownLatch firstStart = new CountDownLatch(1);
    private final Deque<Instant> recentStarts = new ArrayDeque<>();
    private boolean stopping; // guarded by lock
    private Process current; // guarded by lock
    private Thread thread;

    /** The directory processes are chrooted into, or null for servers on the host's programs. */
    private final Path chroot;

    UnitRunner(ServiceUnit unit, Path root, Path logFile, Consumer<String> log) {
        this(unit, root, logFile, log, null);
    }

    /** @param chroot run every process chrooted into this directory (a server in a baked image), or null */
    UnitRunner(ServiceUnit unit, Path root, Path logFile, Consumer<String> log, Path chroot) {
        this.chroot = chroot;
        this.unit = unit;
        this.root = root;
        this.logFile = logFile;
        this.log = log;
    }

    /**
     * Starts the unit. Returns once its main process was started (simple units) or has finished (oneshot units),
     * or the unit failed to get that far.
     */
    void start() throws InterruptedException {
        thread = new Thread(this::loop, "unit-" + unit.name());
        thread.start();
        firstStart.await();
    }

    private void loop() {
        try {
            while (true) {
                if (!allowedToStart()) {
                    log.accept(unit.name() + ": start request repeated too quickly (StartLimitBurst=" + unit.startLimitBurst()
                            + " within " + unit.startLimitInterval().toMillis() + "ms), giving up");
                    return;
                }
                boolean succeeded = runOnce();
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                }
                if (!unit.restart().restartAfter(succeeded)) {
                    log.accept(unit.name() + ": " + (succeeded ? "finished" : "failed") + ", not restarting (Restart="
                            + unit.restart().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
                    return;
                }
                log.accept(unit.name() + ": " + (succeeded ? "exited" : "failed") + ", restarting in " + unit.restartSec().toMillis() + "ms");
                Thread.sleep(unit.restartSec());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            firstStart.countDown();
        }
    }

    private boolean allowedToStart() {
        Instant now = Instant.now();
        while (!recentStarts.isEmpty() && recentStarts.peekFirst().isBefore(now.minus(unit.startLimitInterval()))) {
            recentStarts.removeFirst();
        }
        if (recentStarts.size() >= unit.startLimitBurst()) {
            return false;
        }
        recentStarts.addLast(now);
        return true;
    }

    /** One start: pre commands, then the main command(s). True if everything that must succeed did. */
    private boolean runOnce() throws InterruptedException {
        for (CommandLine pre : unit.execStartPre()) {
            if (!runToCompletion(pre)) {
                return false;
            }
        }
        if (unit.type() == ServiceUnit.Type.ONESHOT) {
            for (CommandLine command : unit.execStart()) {
                if (!runToCompletion(command)) {
                    return false;
                }
            }
            firstStart.countDown();
            return true;
        }
        Process process = spawn(unit.execStart().get(0));
        firstStart.countDown();
        if (process == null) {
            return false;
        }
        int exit = process.waitFor();
        log.accept(unit.name() + ": main process " + process.pid() + " exited with status " + exit);
        return exit == 0 || unit.execStart().get(0).ignoreFailure();
    }

    private boolean runToCompletion(CommandLine command) throws InterruptedException {
        Process process = spawn(command);
        if (process == null) {
            return command.ignoreFailure();
        }
        int exit = process.waitFor();
        if (exit != 0) {
            log.accept(unit.name() + ": " + command.argv().get(0) + " exited with status " + exit
                    + (command.ignoreFailure() ? " (ignored)" : ""));
        }
        return exit == 0 || command.ignoreFailure();
    }

    /** Starts a process of the unit, or returns null (logged) if it could not be started or we are stopping. */
    private Process spawn(CommandLine command) {
        List<String> argv = new ArrayList<>(command.argv());
        Path directory = unit.workingDirectory();
        if (chroot == null) {
            argv.set(0, executable(argv.get(0)));
        } else {
            // The program, its PATH search and its working directory are all inside the image.
            Path wd = unit.workingDirectory();
            String inImage = wd.startsWith(chroot) ? "/" + chroot.relativize(wd) : wd.toString();
            argv.addAll(0, List.of("unshare", "--root=" + chroot, "--wd=" + inImage, "--"));
            directory = chroot;
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(unit.environment());
        synchronized (lock) {
            if (stopping) {
                return null;
            }
            try {
                current = builder.start();
                log.accept(unit.name() + ": started " + String.join(" ", argv) + " as pid " + current.pid());
                return current;
            } catch (IOException e) {
                log.accept(unit.name() + ": cannot start " + argv.get(0) + ": " + e.getMessage());
                return null;
            }
        }
    }

    /**
     * Finds the program: an absolute path is looked up in the server's root first (files written by the first-boot
     * config), then on the host; a bare name is searched on the unit's PATH the same way.
     */
    private String executable(String program) {
        if (program.startsWith("/")) {
            Path inRoot = ServiceUnit.inRoot(root, program);
            return Files.isRegularFile(inRoot) && Files.isExecutable(inRoot) ? inRoot.toString() : program;
        }
        if (program.contains("/")) {
            return unit.workingDirectory().resolve(program).toString();
        }
        for (String dir : unit.environment().getOrDefault("PATH", "").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            for (Path candidate : List.of(ServiceUnit.inRoot(root, dir).resolve(program), Path.of(dir).resolve(program))) {
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return program;
    }

    /** Stops restarting and sends SIGTERM to the running process and its descendants. */
    void terminate() {
        synchronized (lock) {
            stopping = true;
            if (current != null && current.isAlive()) {
                current.descendants().forEach(ProcessHandle::destroy);
                current.destroy();
            }
        }
        if (thread != null) {
            thread.interrupt(); // wakes a RestartSec sleep; a waitFor() is woken by the exit
        }
    }

    /** Waits for the process to exit until {@code deadline}, then SIGKILLs what is left. */
    void awaitOrKill(Instant deadline) throws InterruptedException {
        Process process;
        synchronized (lock) {
            process = current;
        }
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            log.accept(unit.name() + ": pid " + process.pid() + " ignored SIGTERM, sending SIGKILL");
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
