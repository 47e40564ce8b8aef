package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.render.Directory;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Link;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.render.User;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.spi.UserData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What drover-render's Ignition renderer produces boots as a local server. */
class RenderedIgnitionTest {
    @TempDir
    Path tempDir;

    private LocalHerd herd;

    @BeforeEach
    void setUp() throws ProviderException {
        herd = new LocalHerd(tempDir, "127.0.46.0/24");
    }

    @AfterEach
    void tearDown() throws ProviderException {
        herd.close();
    }

    @Test
    void bootsAServerFromRendererOutput() throws Exception {
        Instance server = herd.createRaw("web-0", endpoint -> {
            FirstBoot config = new FirstBoot(
                    List.of(new User("core", List.of("ssh-ed25519 AAAA core@test"), List.of(), null, null)),
                    List.of(new FileEntry("/srv/www/index.html", 0644, Owner.ROOT, "served by " + endpoint.name() + " 100%?#+\n", false)),
                    List.of(new Directory("/srv/www/empty", 0700, Owner.ROOT)),
                    List.of(new Link("/srv/www/alias.html", "/srv/www/index.html", false, Owner.ROOT)),
                    List.of(new Unit("web.service", true,
                            "[Service]\nWorkingDirectory=/srv/www\nExecStart=/usr/bin/python3 -m http.server 8000 --bind " + endpoint.ip() + "\n",
                            List.of(new Unit.DropIn("10-restart.conf", "[Service]\nRestart=always\n")))));
            return new UserData(UserData.IGNITION, new IgnitionRenderer().render(config));
        });
        String url = "http://" + server.ip() + ":8000/";

        herd.awaitHttpOk(url + "index.html");

        assertThat(herd.httpBody(url + "alias.html")).isEqualTo("served by web-0 100%?#+\n");
        Path root = herd.serverDir("web-0").resolve("root");
        assertThat(root.resolve("srv/www/empty")).isDirectory();
        assertThat(root.resolve("etc/systemd/system/web.service.d/10-restart.conf")).exists();
        assertThat(Files.readString(root.resolve("etc/drover-users.json"))).contains("core@test");
    }
}
