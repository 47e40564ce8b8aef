package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd subset of the supervisor, seen through what real processes of a real server print. */
class SupervisorUnitsTest {
    @TempDir
    Path tempDir;

    private LocalHerd herd;

    @BeforeEach
    void setUp() throws ProviderException {
        herd = new LocalHerd(tempDir, "127.0.45.0/24");
    }

    @AfterEach
    void tearDown() throws ProviderException {
        herd.close();
    }

    private String awaitLog(String unit, String text) {
        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.log("s-0", unit).contains(text));
        return uncheckedLog(unit);
    }

    private String uncheckedLog(String unit) {
        try {
            return herd.log("s-0", unit);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void expandsSpecifiersQuotesAndVariablesInExecStart() throws Exception {
        herd.create("s-0", endpoint -> new IgnitionJson().unit("args@one.service", """
                [Service]
                Type=oneshot
                Environment="GREETING=hello world" WORDS="a b"
                ExecStart=/usr/bin/printf '[%%s]\\n' %S %E %C %L %t %h %H %n %N %i %% ${GREETING} $WORDS "two words" x${GREETING}y $$HOME
                """));
        Path root = herd.serverDir("s-0").resolve("root");

        String log = awaitLog("args@one.service", "[$HOME]");

        assertThat(log.lines()).containsExactly(
                "[" + root.resolve("var/lib") + "]",
                "[" + root.resolve("etc") + "]",
                "[" + root.resolve("var/cache") + "]",
                "[" + root.resolve("var/log") + "]",
                "[" + root.resolve("run") + "]",
                "[" + root.resolve("root") + "]",
                "[s-0]",
                "[args@one.service]",
                "[args@one]",
                "[one]",
                "[%]",
                "[hello world]",
                "[a]",
                "[b]",
                "[two words]",
                "[xhello worldy]",
                "[$HOME]");
    }

    @Test
    void buildsTheEnvironmentFromDropinsEnvironmentFilesAndServerIdentity() throws Exception {
        Instance server = herd.create("s-0", endpoint -> new IgnitionJson()
                .file("/etc/app/env", null, IgnitionJson.dataUrl("# comment\nFROM_FILE=file value\nOVERRIDDEN=\"by file\"\n"))
                .unit("env.service", """
                        [Service]
                        Type=oneshot
                        Environment=OVERRIDDEN=by-environment KEPT=base
                        EnvironmentFile=/etc/app/env
                        EnvironmentFile=-/etc/app/missing
                        ExecStart=/usr/bin/env
                        """, true, Map.of("20-more.conf", "[Service]\nEnvironment=FROM_DROPIN=yes\n")));
        Path root = herd.serverDir("s-0").resolve("root");

        String log = awaitLog("env.service", "DROVER_SERVER_IP");

        assertThat(log.lines()).contains(
                "FROM_FILE=file value",
                "OVERRIDDEN=by file",
                "KEPT=base",
                "FROM_DROPIN=yes",
                "HOME=" + root.resolve("root"),
                "DROVER_ROOT=" + root,
                "DROVER_SERVER_NAME=s-0",
                "DROVER_SERVER_IP=" + server.ip());
        assertThat(log.lines()).anyMatch(line -> line.startsWith("PATH="));
        assertThat(log.lines()).noneMatch(line -> line.startsWith("LocalHerdMarker") || line.startsWith("MAVEN_"));
    }

    @Test
    void runsInWorkingDirectoryInsideTheRootAndPrefersProgramsFromTheRoot() throws Exception {
        herd.create("s-0", endpoint -> new IgnitionJson()
                .directory("/srv/work", 0755)
                .file("/usr/local/bin/hello", 0755, IgnitionJson.dataUrl("#!/bin/sh\necho \"hello from $(pwd)\"\n"))
                .unit("hello.service", """
                        [Service]
                        Type=oneshot
                        WorkingDirectory=/srv/work
                        ExecStart=/usr/local/bin/hello
                        """));
        Path root = herd.serverDir("s-0").resolve("root");

        assertThat(awaitLog("hello.service", "hello from")).isEqualTo("hello from " + root.resolve("srv/work") + "\n");
    }

    @Test
    void oneshotUnitsFinishBeforeTheNextUnitStarts() throws Exception {
        herd.create("s-0", endpoint -> new IgnitionJson()
                .unit("first.service", """
                        [Service]
                        Type=oneshot
                        ExecStartPre=/bin/sh -c 'echo pre > %S/order'
                        ExecStart=/bin/sh -c 'sleep 0.3; echo first >> %S/order'
                        """)
                .unit("second.service", """
                        [Service]
                        Type=simple
                        ExecStart=/bin/sh -c 'echo second >> %S/order; exec sleep 60'
                        """)
                .unit("disabled.service", "[Service]\nExecStart=/bin/sh -c 'echo disabled >> %S/order'\n", false, Map.of()));
        Path order = herd.serverDir("s-0").resolve("root/var/lib/order");

        await().atMost(LocalHerd.TIMEOUT).until(() -> Files.exists(order) && Files.readString(order).contains("second"));

        assertThat(order).hasContent("pre\nfirst\nsecond\n");
    }

    @Test
    void failingExecStartPreFailsTheUnitUnlessPrefixedWithDash() throws Exception {
        herd.create("s-0", endpoint -> new IgnitionJson()
                .unit("strict.service", """
                        [Service]
                        Type=oneshot
                        ExecStartPre=/bin/false
                        ExecStart=/bin/echo strict ran
                        """)
                .unit("lenient.service", """
                        [Service]
                        Type=oneshot
                        ExecStartPre=-/bin/false
                        ExecStart=/bin/echo lenient ran
                        """));

        awaitLog("lenient.service", "lenient ran");
        assertThat(uncheckedLog("strict.service")).doesNotContain("strict ran");
        assertThat(herd.log("s-0", "supervisor")).contains("strict.service: failed, not restarting (Restart=no)");
    }

    @Test
    void restartOnFailureRetriesUntilTheStartLimit() throws Exception {
        herd.create("s-0", endpoint -> new IgnitionJson().unit("crash.service", """
                [Unit]
                StartLimitBurst=3
                [Service]
                ExecStart=/bin/sh -c 'echo attempt; exit 3'
                Restart=on-failure
                RestartSec=50ms
                """));

        await().atMost(LocalHerd.TIMEOUT).until(() -> herd.log("s-0", "supervisor").contains("crash.service: start request repeated too quickly"));

        assertThat(uncheckedLog("crash.service").lines().filter("attempt"::equals)).hasSize(3);
    }
}
