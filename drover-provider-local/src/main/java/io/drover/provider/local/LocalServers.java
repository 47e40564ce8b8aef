package io.drover.provider.local;

import io.drover.spi.Image;
import io.drover.spi.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import tools.jackson.databind.json.JsonMapper;

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

    /**
     * Makes {@code serverDir} a stand-in for a server: its server.json, and a pid file naming this JVM as its
     * supervisor, so that the provider lists it as running for as long as this JVM runs. Nothing else of a server is
     * there. For the CLI's start-up training, which plans a herd whose members are endpoints of its own.
     */
    public static void standIn(Path serverDir, Instance instance, String cluster, Image image) throws IOException {
        Files.createDirectories(serverDir);
        new ServerMetadata(instance.id(), instance.name(), instance.ip(), cluster, instance.tags(), image, instance.createdAt())
                .write(JsonMapper.builder().build(), serverDir);
        PidFile.current().write(serverDir.resolve(PidFile.NAME));
    }

    /** Whether the supervisor of the server in {@code serverDir} runs (pid and start time both match). */
    public static boolean isRunning(Path serverDir) {
        return processGroup(serverDir).isPresent();
    }
}
