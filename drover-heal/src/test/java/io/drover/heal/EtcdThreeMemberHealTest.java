package io.drover.heal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Ten faults on a real 3-member etcd cluster, healed by the reconciler while a client keeps writing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdThreeMemberHealTest {
    @TempDir
    static Path dir;

    private TestHerd herd;

    @BeforeAll
    void bringUp() throws Exception {
        herd = EtcdFaultInjection.bringUp(dir, "heal-etcd3", "127.0.91.0/24", 3);
    }

    @AfterAll
    void destroy() throws Exception {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    void healsTenKillsFreezesAndLeaderKillsWithoutLosingAnAcknowledgedWrite() throws Exception {
        EtcdFaultInjection.run(herd, 3, 10, 3);
    }
}
