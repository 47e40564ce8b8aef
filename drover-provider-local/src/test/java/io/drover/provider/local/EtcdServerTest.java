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

/** A real single-node etcd ({@code /usr/bin/etcd} from Debian's etcd-server) as a local server. */
class EtcdServerTest {
    @TempDir
    Path tempDir;

    private LocalHerd herd;

    @BeforeEach
    void setUp() throws ProviderException {
        herd = new LocalHerd(tempDir, "127.0.44.0/24");
    }

    @AfterEach
    void tearDown() throws ProviderException {
        herd.close();
    }

    @Test
    void singleNodeEtcdBecomesHealthy() throws Exception {
        Instance server = herd.create("etcd-0", endpoint -> new IgnitionJson().unit("etcd.service", """
                [Unit]
                Description=etcd
                [Service]
                Environment=ETCD_NAME=%H
                ExecStart=/usr/bin/etcd \\
                  --data-dir=%S/etcd \\
                  --listen-client-urls=http://%s:2379 \\
                  --advertise-client-urls=http://%s:2379 \\
                  --listen-peer-urls=http://%s:2380 \\
                  --initial-advertise-peer-urls=http://%s:2380 \\
                  --initial-cluster=%H=http://%s:2380
                Restart=always
                """.replace("%s", endpoint.ip())));

        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.httpStatus("http://" + server.ip() + ":2379/health") == 200);

        assertThat(herd.httpBody("http://" + server.ip() + ":2379/health")).contains("\"health\":\"true\"");
        assertThat(herd.serverDir("etcd-0").resolve("root/var/lib/etcd/member")).isDirectory();
    }
}
