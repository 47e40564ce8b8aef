package io.drover.provider.local;

import io.drover.spi.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The supervisor's pid file: its pid (which is also the server's process group and session id, because the
 * supervisor is started through {@code setsid}) and its start time. The start time guards against pid reuse: a
 * recycled pid belongs to a process that started later.
 *
 * <p>JDK only: the supervisor writes it.
 */
record PidFile(long pid, Instant started) {

    static final String NAME = "supervisor.pid";

    /** The pid file of the running JVM. */
    static PidFile current() {
        ProcessHandle self = ProcessHandle.current();
        return new PidFile(self.pid(), self.info().startInstant().orElse(Instant.EPOCH));
    }

    /** Reads a pid file, or empty when there is none (yet) or it is garbled. */
    static Optional<PidFile> read(Path file) {
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).strip().split("\n");
            if (lines.length < 2) {
                return Optional.empty();
            }
            return Optional.of(new PidFile(Long.parseLong(lines[0].strip()), Timestamps.parse(lines[1].strip())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Writes atomically, so a reader never sees half a file. */
    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n" + started + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes {@code file} only if there is none, in one step (a hard link of a complete file): of two processes or
     * threads that try at once, exactly one gets it, and a reader never sees half a file.
     *
     * @return false when the file existed
     */
    boolean writeNew(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, pid + "\n" + started + "\n", StandardCharsets.UTF_8);
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True if the process that wrote this file still runs (same pid and same start time, and not a zombie). */
    boolean alive() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                // A killed supervisor's parent is init, which in a container may reap late or never: a zombie is dead.
                .filter(p -> ProcStat.of(pid).map(st -> !st.exited()).orElse(true))
                .flatMap(p -> p.info().startInstant())
                .map(started::equals)
                .orElse(false);
    }
}
