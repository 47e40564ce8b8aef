package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.UserData;
import io.drover.testkit.ProviderContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The local provider keeps the provider contract, with real servers: each one a supervisor process running a unit
 * that sleeps, on an address of 127.0.60.0/24, with the test's own root and lease directory.
 */
class LocalProviderContractTest extends ProviderContract {
    private static final String FIRST_BOOT_FILE = "etc/drover-contract";

    @Override
    protected ProviderFactory factory() {
        return new LocalProviderFactory();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of(LocalSettings.ADDRESSES, "127.0.60.0/24");
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(LocalSettings.LEASES_ENV, leases().toString());
        return env;
    }

    private Path leases() {
        return tempDir().resolve("leases");
    }

    @Override
    protected String image() {
        return LocalImages.HOST;
    }

    @Override
    protected UserDataTemplate userData() {
        return new UserDataTemplate(UserData.IGNITION, """
                {"ignition": {"version": "3.4.0"},
                 "storage": {"files": [{"path": "/%s", "mode": 420, "contents": {"source": "data:,{{name}}%%20at%%20{{ip}}"}}]},
                 "systemd": {"units": [{"name": "contract.service", "enabled": true,
                                        "contents": "[Service]\\nExecStart=/bin/sleep infinity\\n"}]}}
                """.formatted(FIRST_BOOT_FILE));
    }

    @Override
    protected void killBehindTheProvidersBack(Instance server) throws Exception {
        long group = LocalServers.processGroup(serverDir(server.name())).orElseThrow();
        LocalHerd.killGroup(group);
    }

    /** Each boot is a new supervisor process. */
    @Override
    protected Object bootIdentity(Instance server) {
        return LocalServers.processGroup(serverDir(server.name())).orElseThrow();
    }

    @Override
    protected String unknownServerId() {
        return "never-existed";
    }

    @Override
    protected void causeDrift(Instance server) throws IOException {
        Files.writeString(serverDir(server.name()).resolve("root").resolve(FIRST_BOOT_FILE), "changed by hand");
    }

    /** No server directory, and no address lease held for one. */
    @Override
    protected void assertNothingLeftOf(String name) throws IOException {
        Path dir = serverDir(name);
        assertThat(dir).doesNotExist();
        if (Files.isDirectory(leases())) {
            try (Stream<Path> files = Files.list(leases())) {
                List<String> holders = files.filter(Files::isRegularFile).map(LocalProviderContractTest::read).toList();
                assertThat(holders).doesNotContain(dir.toString());
            }
        }
    }

    /** Nothing builds a local server but the process creating it: once that is gone, the status is final at once. */
    @Override
    protected Duration settleTimeout() {
        return Duration.ZERO;
    }

    private Path serverDir(String name) {
        return workDir().resolve("local").resolve("servers").resolve(name);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
