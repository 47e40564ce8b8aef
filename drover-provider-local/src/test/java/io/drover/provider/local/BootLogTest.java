package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local server's boot log: the last lines its services wrote, for the error that says why it never became healthy. */
class BootLogTest {
    @TempDir
    Path tempDir;

    private LocalHerd herd;

    @BeforeEach
    void setUp() throws ProviderException {
        herd = new LocalHerd(tempDir, "127.0.47.0/24");
    }

    @AfterEach
    void tearDown() throws ProviderException {
        herd.close();
    }

    @Test
    void theBootLogEndsWithWhatAServiceThatExitedAtStartWrote() throws Exception {
        Instance server = herd.create("s-0", endpoint -> new IgnitionJson().unit("member.service", """
                [Service]
                ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6; do echo "line $i"; done; echo "--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[225ms]" >&2; exit 1'
                """));
        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.log("s-0", "member.service").contains("should be at least"));

        assertThat(herd.provider().bootLog(server.id(), 3))
                .containsExactly("line 5", "line 6", "--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[225ms]");
    }

    @Test
    void theBootLogOfAServerThatIsNotThereIsEmptyNotAnError() {
        assertThat(herd.provider().bootLog("no-such-server", 10)).isEmpty();
        assertThat(herd.provider().bootLog("../../etc", 10)).as("not a server id").isEmpty();
    }
}
