package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testkit.EtcdWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state deleted while a real 3-member etcd herd runs: Drover refuses to act (it would make a new CA and replace
 * every member) and says how to recover; {@code drover import}, or restoring the backup, brings back a state whose
 * outputs and client files reach the running cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateLostTest {
    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;
    private Path state;
    private Path backup;

    @BeforeAll
    void bringUp() throws Exception {
        herd = new LocalEtcdHerd(dir, "state-lost", "127.0.84.0/24");
        Cli.Result r = herd.drover("apply", "--auto-approve");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        state = dir.resolve(".drover/state.json");
        backup = dir.resolve(".drover/state.json.backup");
    }

    @AfterAll
    void destroy() {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    @Order(1)
    void withTheStateDeletedPlanApplyAndDestroyRefuseAndChangeNothing() throws Exception {
        List<String> servers = herd.serverNames();
        Path ca = dir.resolve(".drover/pki/etcd/ca.crt");
        String caBefore = Files.readString(ca);
        Files.delete(state);

        for (String[] command : List.of(new String[] {"plan"}, new String[] {"apply", "--auto-approve"}, new String[] {"destroy", "--auto-approve"})) {
            Cli.Result r = herd.drover(command);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("there is no state").contains("3 servers of herd 'state-lost' run")
                    .contains("state.json.backup").contains("drover import").doesNotContain("Exception");
        }
        assertThat(state).doesNotExist();
        assertThat(Files.readString(ca)).as("client files untouched").isEqualTo(caBefore);
        assertThat(dir.resolve(".drover/local/servers")).isDirectoryContaining(p -> servers.contains(p.getFileName().toString()));
    }

    @Test
    @Order(2)
    void importAdoptsTheRunningServersWithTheirCaFromTheBackup() throws Exception {
        Cli.Result r = herd.drover("import");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Imported 3 servers").contains("CA of etcd cluster 'etcd' recovered from");

        assertThat(herd.etcdctl(herd.endpoints(), "endpoint", "health")).isZero();
        try (EtcdWriter writer = herd.writer()) {
            herd.assertWhole(writer, "after import");
        }
    }

    @Test
    @Order(3)
    void restoringTheBackupAlsoWorksAndOutputsComeBackAtOnce() throws Exception {
        Files.copy(state, dir.resolve("kept.json"));
        Cli.Result apply = herd.drover("apply", "--auto-approve"); // writes the state once more, so there is a backup of it
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        Files.delete(state);
        Files.copy(backup, state, StandardCopyOption.REPLACE_EXISTING);

        assertThat(herd.output("etcd_endpoints").split(",")).hasSize(3);
        assertThat(herd.etcdctl(herd.endpoints(), "endpoint", "health")).isZero();
        Cli.Result plan = herd.drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
    }
}
