package io.drover.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes of one process group, found in {@code /proc}. A server's units may outlive their supervisor (when
 * only it was killed) or be reparented by double-forking daemons; the group still holds them all, which is why
 * servers are stopped by group and not by process tree.
 */
final class ProcessGroup {
    private static final Duration POLL = Duration.ofMillis(50);

    private final long pgid;
    private final Instant notBefore;

    /**
     * @param notBefore the group leader's start time: members started earlier cannot belong to this server, which
     *     guards against a pgid reused long after the server died
     */
    ProcessGroup(long pgid, Instant notBefore) {
        this.pgid = pgid;
        this.notBefore = notBefore;
    }

    long id() {
        return pgid;
    }

    /** The live members of the group. */
    List<ProcessHandle> members() {
        List<ProcessHandle> members = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || groupOf(Long.parseLong(name)) != pgid) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(name))
                        .filter(p -> p.info().startInstant().map(s -> !s.isBefore(notBefore)).orElse(true))
                        .ifPresent(members::add);
            }
        } catch (IOException e) {
            // /proc unreadable: nothing we can signal
        }
        return members;
    }

    /** SIGTERM to every member, wait until {@code grace} for them to exit, then SIGKILL and wait a little more. */
    void stop(Duration grace) throws InterruptedException {
        members().forEach(ProcessHandle::destroy);
        resume();
        if (awaitEmpty(grace)) {
            return;
        }
        members().forEach(ProcessHandle::destroyForcibly);
        awaitEmpty(Duration.ofSeconds(5));
    }

    /**
     * Sends SIGCONT to the group, so that members frozen with SIGSTOP act on the SIGTERM now instead of after the
     * grace period. The JDK cannot send SIGCONT, so kill(1) does; "--" keeps it from reading "-PGID" as an option.
     */
    private void resume() throws InterruptedException {
        if (pgid <= 1) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-CONT", "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (java.io.IOException e) {
            // no kill(1): frozen members then get SIGKILL after the grace period
        }
    }

    /** Polls until the group has no member or the timeout passes; true if it is empty. */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (members().isEmpty()) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(POLL);
        }
    }

    /** The process group of a live process; -1 for one that has exited (a zombie only waits for its parent) or is gone. */
    private static long groupOf(long pid) {
        return ProcStat.of(pid).filter(st -> !st.exited()).map(ProcStat::group).orElse(-1L);
    }
}
