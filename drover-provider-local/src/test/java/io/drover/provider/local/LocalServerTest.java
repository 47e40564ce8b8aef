package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real servers: python's http.server started by the supervisor from an Ignition unit. What every provider promises is
 * tested by {@link LocalProviderContractTest}; these are the local provider's own behaviours.
 */
class LocalServerTest {
    private static final int PORT = 8000;

    @TempDir
    Path tempDir;

    private LocalHerd herd;

    @BeforeEach
    void setUp() throws ProviderException {
        herd = new LocalHerd(tempDir, "127.0.42.0/24");
    }

    @AfterEach
    void tearDown() throws ProviderException {
        herd.close();
    }

    private static IgnitionJson httpServer(String restart) {
        return new IgnitionJson()
                .file("/srv/www/index.html", 0644, IgnitionJson.dataUrl("hello from drover"))
                .unit("web.service", """
                        [Unit]
                        Description=static web server

                        [Service]
                        WorkingDirectory=/srv/www
                        ExecStart=/usr/bin/python3 -m http.server %d --bind ${DROVER_SERVER_IP}
                        Restart=%s
                        """.formatted(PORT, restart));
    }

    private static String url(Instance server) {
        return "http://" + server.ip() + ":" + PORT + "/";
    }

    @Test
    void serverAnswersOnItsOwnAddressAndOutlivesTheProvider() throws Exception {
        Instance server = herd.create("web-0", endpoint -> httpServer("no"));

        assertThat(server.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(server.ip()).startsWith("127.0.42.");
        assertThat(server.accessIp()).isNull(); // on loopback, clients and peers use one address
        assertThat(server.accessAddress()).isEqualTo(server.ip());
        assertThat(server.tags()).containsEntry(Tags.HERD, "test-herd").containsEntry(Tags.CLUSTER, "web").containsEntry(Tags.RESOURCE, "web[web-0]");
        herd.awaitHttpOk(url(server));
        assertThat(herd.httpBody(url(server) + "index.html")).isEqualTo("hello from drover");

        herd.reopen();

        assertThat(herd.httpStatus(url(server))).isEqualTo(200);
        assertThat(herd.provider().list()).singleElement().satisfies(listed -> {
            assertThat(listed.id()).isEqualTo("web-0");
            assertThat(listed.ip()).isEqualTo(server.ip());
            assertThat(listed.accessAddress()).isEqualTo(server.ip());
            assertThat(listed.status()).isEqualTo(Instance.Status.RUNNING);
            assertThat(listed.tags()).isEqualTo(server.tags());
        });
    }

    @Test
    void destroyRemovesEverythingAndFreesTheAddress() throws Exception {
        Instance server = herd.create("web-0", endpoint -> httpServer("always"));
        herd.awaitHttpOk(url(server));
        long pgid = herd.provider().processGroup("web-0").orElseThrow();
        Path serverDir = herd.serverDir("web-0");
        assertThat(herd.leases.resolve(server.ip())).hasContent(serverDir.toString());

        herd.provider().destroy("web-0");

        assertThat(serverDir).doesNotExist();
        assertThat(herd.leases.resolve(server.ip())).doesNotExist();
        assertThat(new ProcessGroup(pgid, java.time.Instant.EPOCH).members()).isEmpty();
        assertThat(herd.httpStatus(url(server))).isEqualTo(-1);
    }

    @Test
    void restartAlwaysRestartsAKilledUnitProcess() throws Exception {
        Instance server = herd.create("web-0", endpoint -> httpServer("always"));
        herd.awaitHttpOk(url(server));
        ProcessHandle supervisor = ProcessHandle.of(herd.provider().processGroup("web-0").orElseThrow()).orElseThrow();
        ProcessHandle python = supervisor.children().findFirst().orElseThrow();

        python.destroyForcibly();

        await().atMost(LocalHerd.TIMEOUT).until(() -> supervisor.children().anyMatch(c -> c.pid() != python.pid()));
        herd.awaitHttpOk(url(server));
        assertThat(herd.status("web-0")).isEqualTo(Instance.Status.RUNNING);
        assertThat(herd.log("web-0", "supervisor")).contains("web.service: failed, restarting in 100ms");
    }

    @Test
    void restartNoLeavesAKilledUnitDeadButTheServerRunning() throws Exception {
        Instance server = herd.create("web-0", endpoint -> httpServer("no"));
        herd.awaitHttpOk(url(server));
        ProcessHandle supervisor = ProcessHandle.of(herd.provider().processGroup("web-0").orElseThrow()).orElseThrow();
        ProcessHandle python = supervisor.children().findFirst().orElseThrow();

        python.destroyForcibly();

        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.log("web-0", "supervisor").contains("not restarting (Restart=no)"));
        assertThat(supervisor.children().toList()).isEmpty();
        assertThat(herd.status("web-0")).isEqualTo(Instance.Status.RUNNING);
    }

    @Test
    void aReplacementGetsAFreshAddress() throws Exception {
        Instance first = herd.create("web-0", endpoint -> new IgnitionJson());
        herd.provider().destroy("web-0");

        Instance replacement = herd.create("web-1", endpoint -> new IgnitionJson());

        assertThat(replacement.ip()).isNotEqualTo(first.ip());
    }

    @Test
    void rejectsCloudInitUserData() throws Exception {
        assertThatThrownBy(() -> herd.createRaw("web-0", endpoint -> new UserData(UserData.CLOUD_INIT, "#cloud-config\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ProviderException.class)
                .hasMessage("server web-0: the local provider boots Ignition v3 configs (format 'ignition'), but its first-boot config"
                        + " was rendered as 'cloud-init'; render the first-boot config as Ignition for local servers");
        assertThat(herd.serverDir("web-0")).doesNotExist();
        assertThat(herd.provider().list()).isEmpty();
        try (var leases = Files.list(herd.leases)) {
            assertThat(leases.filter(p -> !p.getFileName().toString().startsWith("."))).isEmpty();
        }
    }

    @Test
    void rejectsAnIgnitionFileOutsideTheRoot() {
        assertThatThrownBy(() -> herd.create("web-0", endpoint -> new IgnitionJson().file("/../../escape", 0644, "data:,x")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("leaves the server's root");
    }

    @Test
    void supervisorExitsWhenItsDirectoryDisappears() throws Exception {
        herd.create("web-0", endpoint -> httpServer("always"));
        ProcessHandle supervisor = ProcessHandle.of(herd.provider().processGroup("web-0").orElseThrow()).orElseThrow();
        Path serverDir = herd.serverDir("web-0");
        Path moved = tempDir.resolve("moved");

        Files.move(serverDir, moved);

        await().atMost(LocalHerd.TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> !supervisor.isAlive());
    }

    @Test
    void destroyKillsUnitsThatIgnoreSigterm() throws Exception {
        herd.create("web-0", endpoint -> new IgnitionJson().unit("stubborn.service", """
                [Service]
                ExecStart=/bin/sh -c "trap '' TERM; echo trapped; while :; do sleep 0.2; done"
                """));
        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.log("web-0", "stubborn.service").contains("trapped"));
        long pgid = herd.provider().processGroup("web-0").orElseThrow();

        herd.provider().destroy("web-0");

        assertThat(new ProcessGroup(pgid, java.time.Instant.EPOCH).members()).isEmpty();
        assertThat(herd.serverDir("web-0")).doesNotExist();
    }

    @Test
    void directoryImagesAreCopiedIntoTheServersRoot() throws Exception {
        Path image = Files.createDirectories(herd.herdDir.resolve("images/app/usr/local/bin"));
        Files.writeString(image.resolve("serve"), "#!/bin/sh\nexec /usr/bin/python3 -m http.server 8000 --bind \"$DROVER_SERVER_IP\"\n");
        Files.setPosixFilePermissions(image.resolve("serve"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        Instance server = herd.create("web-0", "images/app", endpoint -> new IgnitionJson()
                .unit("serve.service", "[Service]\nExecStart=/usr/local/bin/serve\n").userData());

        herd.awaitHttpOk(url(server));
        assertThat(herd.serverDir("web-0").resolve("root/usr/local/bin/serve")).exists();
    }

    @Test
    void explainsASupervisorThatCannotStart() throws Exception {
        var context = herd.context();
        var settings = new java.util.HashMap<>(context.settings());
        settings.put("java", tempDir.resolve("no-such-java").toString());
        var broken = new io.drover.spi.ProviderContext("test-herd", settings, context.workDir(), context.environment());

        try (var provider = new LocalProviderFactory().open(broken)) {
            assertThatThrownBy(() -> provider.create(new io.drover.spi.LaunchRequest("web", "web-0", provider.resolveImage("host"),
                            java.util.Map.of(), java.util.Map.of(), endpoint -> new IgnitionJson().userData())))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageStartingWith("the supervisor of server web-0 failed to start (exit status 127): setsid: failed to execute ")
                    .hasMessageEndingWith("no-such-java; point the provider's 'java' setting at a Java 21+ binary if that is wrong)");
            assertThat(provider.list()).isEmpty();
        }
    }

    @Test
    void aCreateOfANameAnotherLiveProcessIsCreatingIsRefusedRetryablyAndLeavesItsWorkAlone() throws Exception {
        java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch proceed = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            var first = pool.submit(() -> herd.create("web-0", endpoint -> {
                rendering.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new IgnitionJson();
            }));
            assertThat(rendering.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            try (LocalProvider second = herd.open()) {
                assertThat(herd.status("web-0")).isEqualTo(Instance.Status.BUILDING);
                assertThatThrownBy(() -> second.create(new io.drover.spi.LaunchRequest("web", "web-0", second.resolveImage("host"),
                                java.util.Map.of(), java.util.Map.of(), endpoint -> new IgnitionJson().userData())))
                        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                        .hasMessageContaining("is being created by process " + ProcessHandle.current().pid());
            } finally {
                proceed.countDown();
            }
            assertThat(first.get().status()).isEqualTo(Instance.Status.RUNNING);
        }
        assertThat(herd.status("web-0")).isEqualTo(Instance.Status.RUNNING);
        assertThat(herd.serverDir("web-0").resolve("creator.pid")).as("the creator's mark goes once the supervisor runs").doesNotExist();
    }

    @Test
    void anotherHerdSharingTheRootNeitherUsesNorReleasesMyReservation() throws Exception {
        var mine = herd.provider().reserve("web", "web-0", java.util.Map.of()).orElseThrow();
        var context = herd.context();
        var other = new io.drover.spi.ProviderContext("other-herd", context.settings(), context.workDir(), context.environment());

        try (var provider = new LocalProviderFactory().open(other)) {
            assertThatThrownBy(() -> provider.reserve("web", "web-0", java.util.Map.of()))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("is reserved by herd 'test-herd', not 'other-herd'");
            provider.release("web-0");
            provider.sweep(java.util.Set.of());
        }
        assertThat(herd.provider().reserve("web", "web-0", java.util.Map.of())).contains(mine);
        herd.provider().release("web-0");
    }
}
