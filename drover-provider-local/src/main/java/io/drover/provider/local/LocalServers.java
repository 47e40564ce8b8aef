package io.drover.provider.local;

import java.nio.file.Path;
import java.util.OptionalLong;

/** Looks at local servers from outside: for the heal feature, tests and tools that want to kill or inspect one. */
public final class LocalServers {
    private LocalServers() {}

    /**
     * The process group of the server in {@code serverDir} if its supervisor runs. Every process of the server is
     * in it, so {@code kill -9 -PGID} kills the whole server.
     */
    public static OptionalLong processGroup(Path serverDir) {
        return PidFile.read(serverDir.resolve(PidFile.NAME))
                .filter(PidFile::alive)
                .map(p -> OptionalLong.of(p.pid()))
                .orElse(OptionalLong.empty());
    }

    /** Whether the supervisor of the server in {@code serverDir} runs (pid and start time both match). */
    public static boolean isRunning(Path serverDir) {
        return processGroup(serverDir).isPresent();
    }
}
