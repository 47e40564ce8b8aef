package io.drover.heal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Five faults on a real 5-member etcd cluster, healed by the reconciler while a client keeps writing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdFiveMemberHealTest {
    @TempDir
    static Path dir;

    private TestHerd herd;

    @BeforeAll
    void bringUp() throws Exception {
        herd = EtcdFaultInjection.bringUp(dir, "heal-etcd5", "127.0.92.0/24", 5);
    }

    @AfterAll
    void destroy() throws Exception {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    void healsFiveKillsFreezesAndLeaderKillsWithoutLosingAnAcknowledgedWrite() throws Exception {
        EtcdFaultInjection.run(herd, 5, 5, 5);
    }
}
