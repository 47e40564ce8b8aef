package io.drover.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/PID/stat} says of a process: its state and its process group. JDK only (the supervisor uses it).
 *
 * @param state one letter: R, S, D, T, Z (exited, not reaped yet), X (dead), ...
 */
record ProcStat(char state, long group) {

    /** Read from {@code /proc}; empty when the process is gone or there is no {@code /proc}. */
    static Optional<ProcStat> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // The command name in parentheses may contain anything: the fields start after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new ProcStat(fields[0].charAt(0), Long.parseLong(fields[2])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Exited (a zombie waiting for its parent, or dead): the JDK still calls a zombie alive. */
    boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
