package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code drover bake} says about each image: built when it built it, up to date only when it did not. */
class BakeOutputTest {
    @TempDir
    Path dir;

    @Test
    void baseBuiltInTheSameBakeIsSaidBuiltNotUpToDate() throws Exception {
        assumeTrue(BakedEtcdEndToEndTest.isRoot(), "baking needs root");
        Path root = Files.createDirectories(dir.resolve("root/bin"));
        Files.writeString(root.resolve("sh"), "#!/bin/false\n"); // a root filesystem with a /bin/sh; no step runs in it
        Files.setPosixFilePermissions(root.resolve("sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("marker"), UUID.randomUUID().toString()); // a digest of this test's own
        Path file = Files.writeString(dir.resolve("drover.yaml"), """
                herd: bake-output
                images:
                  base:
                    base: ./root
                  app:
                    base: ${images.base}
                    files:
                      - path: /etc/motd
                        contents:
                          inline: "hello\\n"
                clusters:
                  web:
                    size: 1
                    image: ${images.app}
                """);

        Cli.Result first = Cli.run("bake", "-f", file.toString());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out().lines().filter(l -> l.startsWith("base ")).toList()).as(first.toString())
                .anyMatch(l -> l.contains(" built ")).noneMatch(l -> l.contains("up to date"));
        assertThat(first.out().lines().filter(l -> l.startsWith("app ")).toList()).as(first.toString())
                .anyMatch(l -> l.contains(" built ")).noneMatch(l -> l.contains("up to date"));

        Cli.Result second = Cli.run("bake", "-f", file.toString());
        assertThat(second.out()).as(second.toString()).contains("up to date").doesNotContain(" built ");
    }
}
