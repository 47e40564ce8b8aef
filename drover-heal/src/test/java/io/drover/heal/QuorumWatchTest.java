package io.drover.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.heal.QuorumWatch.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuorumWatchTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private final QuorumWatch watch = new QuorumWatch();

    private Verdict at(long millis, boolean tooFewUp) {
        return watch.observe("etcd", tooFewUp, GRACE, T0.plusMillis(millis));
    }

    @Test
    void anElectionAfterALeaderDiedHoldsChangesWithoutAnAlarm() {
        assertThat(at(0, true)).isEqualTo(Verdict.HOLDING);
        assertThat(at(1200, true)).isEqualTo(Verdict.HOLDING);
        assertThat(at(1500, false)).isEqualTo(Verdict.FINE);
        assertThat(at(1800, true)).as("a new stretch starts its own grace").isEqualTo(Verdict.HOLDING);
        assertThat(Verdict.HOLDING.holds()).isTrue();
        assertThat(Verdict.HOLDING.alarmed()).isFalse();
    }

    @Test
    void aLossLongerThanAnElectionIsAnnouncedOnceAndItsEndToo() {
        assertThat(at(0, true)).isEqualTo(Verdict.HOLDING);
        assertThat(at(2000, true)).isEqualTo(Verdict.LOST);
        assertThat(at(2500, true)).isEqualTo(Verdict.STILL_LOST);
        assertThat(at(9000, true)).isEqualTo(Verdict.STILL_LOST);
        assertThat(at(9500, false)).isEqualTo(Verdict.REGAINED);
        assertThat(at(9800, false)).isEqualTo(Verdict.FINE);
    }

    @Test
    void theGraceIsTwoElectionTimeoutsOfTheCluster(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("drover.yaml"), """
                herd: grace
                clusters:
                  fast:
                    size: 3
                    role: etcd
                    image: host
                    etcd:
                      flags:
                        election-timeout: 500
                  usual:
                    size: 3
                    role: etcd
                    image: host
                """);
        var herd = new io.drover.config.HerdLoader(io.drover.providers.ProviderCatalog.fromClassPath().all()).load(file);

        assertThat(QuorumWatch.electionGrace(herd.clusters().get("fast"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(QuorumWatch.electionGrace(herd.clusters().get("usual"))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void clustersAreWatchedApart() {
        watch.observe("a", true, GRACE, T0);

        assertThat(watch.observe("b", true, GRACE, T0.plusSeconds(5))).isEqualTo(Verdict.HOLDING);
        assertThat(watch.observe("a", true, GRACE, T0.plusSeconds(5))).isEqualTo(Verdict.LOST);
    }
}
