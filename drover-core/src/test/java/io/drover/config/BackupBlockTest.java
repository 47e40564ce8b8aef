package io.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackupBlockTest {
    final HerdLoader loader = new HerdLoader(FakeProviderFactory.ALL);

    private static String herd(String backup) {
        return """
                herd: shop
                provider: {type: cloud, endpoint: https://cloud.example:5000/v3}
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: host
                    provider: {flavor: m1.small}
                    etcd:
                      backup:
                """ + backup.indent(8);
    }

    @Test
    void readsEveryFieldAndResolvesTheDirectoryAgainstTheHerdFile() throws Exception {
        Herd herd = loader.parse(herd("full: 30m\ndelta: 2s\nkeep: 3\nto: snaps\nautoRestore: after 2m\n"), Path.of("/srv/shop/drover.yaml"));

        assertThat(herd.clusters().get("etcd").etcd().backup())
                .isEqualTo(new BackupSpec(Duration.ofMinutes(30), Duration.ofSeconds(2), 3, Path.of("/srv/shop/snaps"), Duration.ofMinutes(2)));
    }

    @Test
    void anEmptyBlockMeansHourlyFullsTenSecondDeltasAndTheDirectoryNextToTheState() throws Exception {
        Herd herd = loader.parse(herd("{}\n"), Path.of("/srv/shop/drover.yaml"));

        assertThat(herd.clusters().get("etcd").etcd().backup())
                .isEqualTo(new BackupSpec(Duration.ofHours(1), Duration.ofSeconds(10), 24, Path.of("/srv/shop/.drover/backups")));
    }

    @Test
    void noBlockMeansNoBackups() throws Exception {
        Herd herd = loader.parse(herd("").replace("      backup:\n", ""), Path.of("/srv/shop/drover.yaml"));

        assertThat(herd.clusters().get("etcd").etcd().backup()).isNull();
    }

    @Test
    void badValuesAreReportedWhereTheyAreWritten() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader.parse(herd("full: 10s\ndelta: 1m\nkeep: 0\nevery: 2s\nautoRestore: soon\n"), Path.of("drover.yaml")));

        assertThat(e.problems()).extracting(p -> p.where().line() + ":" + p.where().column() + " " + p.message())
                .anySatisfy(p -> assertThat(p).startsWith("12:16 ").contains("must be shorter than the full period"))
                .anySatisfy(p -> assertThat(p).startsWith("13:15 ").contains("'keep' must be between 1"))
                .anySatisfy(p -> assertThat(p).startsWith("14:9 ").contains("every"))
                .anySatisfy(p -> assertThat(p).startsWith("15:22 ").contains("'autoRestore' must be a duration"));
    }
}
