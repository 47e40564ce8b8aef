package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code list()} reports of a herd's local servers: each server directory's {@code server.json}, a status from its
 * pid files, and drift from its first-boot files.
 */
final class LocalListing {
    private final String herd;
    private final Path servers;
    private final JsonMapper mapper;

    LocalListing(String herd, Path servers, JsonMapper mapper) {
        this.herd = herd;
        this.servers = servers;
        this.mapper = mapper;
    }

    /** Every server of the herd, oldest first, with its status and drift. */
    List<Instance> list() throws ProviderException {
        if (!Files.isDirectory(servers)) {
            return List.of();
        }
        List<Instance> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(servers)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                ServerMetadata metadata;
                try {
                    metadata = ServerMetadata.read(mapper, dir);
                } catch (IOException e) {
                    continue; // being created (no server.json yet) or not ours
                }
                if (herd.equals(metadata.tags().get(Tags.HERD))) {
                    Instance instance = metadata.toInstance(status(dir));
                    String drifted = instance.status() == Instance.Status.RUNNING ? FirstBootFiles.drifted(dir) : null;
                    if (drifted != null) {
                        instance = instance.withDrift("first-boot file " + drifted + " changed since the server was created");
                    }
                    result.add(instance);
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot list servers in " + servers + ": " + FileErrors.describe(e), true, e);
        }
        result.sort(OLDEST_FIRST);
        return result;
    }

    /**
     * Oldest first, then by name. Written out rather than composed with Comparator.comparing: its composed
     * comparators are lambdas made inside java.util.Comparator, which the CLI's start-up cache does not keep, and
     * making them costs a plan time on a cold JVM.
     */
    private static final Comparator<Instance> OLDEST_FIRST = (a, b) -> {
        int byAge = a.createdAt().compareTo(b.createdAt());
        return byAge != 0 ? byAge : a.name().compareTo(b.name());
    };

    /**
     * RUNNING while the supervisor lives; BUILDING while none has started and the creating process lives (a create
     * under way, in this process or another); STOPPED once neither does, at once: a create whose process was killed is
     * never finished by anyone, so waiting for it would only make an adopting run believe in a server that is not
     * there.
     */
    static Instance.Status status(Path serverDir) {
        Optional<PidFile> pid = PidFile.read(serverDir.resolve(PidFile.NAME));
        if (pid.isPresent()) {
            return pid.get().alive() ? Instance.Status.RUNNING : Instance.Status.STOPPED;
        }
        return CreateClaim.creatorAlive(serverDir) ? Instance.Status.BUILDING : Instance.Status.STOPPED;
    }
}
