package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training runs behind the build's start-up caches (bin/start-cache) complete, each command ending as it does for
 * a user; one that does not fails the training (and the build), and the TLS probe they train really reaches its
 * endpoint.
 */
class TrainingTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfTrainingCompletes() throws Exception {
        for (String kind : Training.OWN_CACHE) {
            Training.train(kind);
        }
        Training.train("full");
    }

    @Test
    void aTrainedCommandThatEndsOtherwiseFailsTheTrainingAndSaysWhatItPrinted() {
        assertThatThrownBy(() -> Training.run(new Training.Step(ExitCodes.OK, "bogus")))
                .isInstanceOf(Training.TrainingFailed.class)
                .hasMessageContaining("'drover bogus' exited 2, not 0")
                .hasMessageContaining("bogus");
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
