package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training runs behind bin/drover's start-up caches complete (one that throws leaves its cache unmade, silently:
 * bin/drover then starts every command without it), and the TLS probe they train really reaches its endpoint.
 */
class TrainingTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfTrainingCompletes() throws Exception {
        for (String kind : Training.OWN_CACHE) {
            Training.main(new String[] {kind});
        }
        Training.main(new String[] {"full"});
    }

    /** The members are probed only if the local provider listed their stand-ins as running. */
    @Test
    void theProbeTrainsTheListingAndARefreshOfRunningMembersOverMutualTls() throws Exception {
        Path herd = dir.resolve("drover.yaml");
        Files.writeString(herd, Training.HERD);
        Training.recordServers(herd);

        Training.Seen seen = Training.probe(dir, herd);

        assertThat(seen.healthChecks()).as("health checks with a client certificate").isPositive();
        assertThat(seen.memberLists()).as("member lists with a client certificate").isPositive();
    }
}
