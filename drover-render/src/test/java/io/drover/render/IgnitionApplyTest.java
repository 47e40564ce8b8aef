package io.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The real Ignition binary applies a rendered config to a directory standing in for the server's root. */
class IgnitionApplyTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IgnitionVersion.class)
    void ignitionAppliesRenderedConfigToRoot(IgnitionVersion version) throws IOException {
        assumeTrue(RealValidators.runningAsRoot(),
                "Ignition's files stage runs useradd --root and chown, which need root; run this test as root");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path run = Files.createDirectories(dir.resolve("run"));
        RealValidators.prepareIgnitionRoot(root, run, List.of("wheel"));
        Path config = Files.write(dir.resolve("config.ign"), new IgnitionRenderer(version).render(Fixtures.rich()));

        RealValidators.Result result = RealValidators.ignitionApply(config, root, run);

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.output()).contains("Ignition finished successfully");
        // Users, with the key where Flatcar's sshd reads it.
        assertThat(root.resolve("etc/passwd")).content().contains("core:x:").contains(":/home/core:/bin/bash").contains("app:x:");
        assertThat(root.resolve("etc/group")).content().contains("wheel:x:10:core");
        assertThat(root.resolve("home/core/.ssh/authorized_keys.d/ignition")).content().contains(Fixtures.SSH_KEY);
        // Files: contents decoded exactly, modes and owners as configured.
        assertThat(root.resolve("etc/motd")).hasContent(Fixtures.TRICKY_TEXT);
        assertThat(mode(root.resolve("etc/motd"))).isEqualTo("rw-r--r--");
        assertThat(mode(root.resolve("etc/app/secret.env"))).isEqualTo("rw-------");
        assertThat(owner(root, "etc/app/secret.env")).isEqualTo("core:wheel");
        assertThat(mode(root.resolve("opt/app/bin/run.sh"))).isEqualTo("rwxr-xr-x");
        assertThat(root.resolve("var/lib/app/marker")).isEmptyFile();
        // Directories.
        assertThat(root.resolve("var/lib/app")).isDirectory();
        assertThat(mode(root.resolve("var/lib/app"))).isEqualTo("rwxr-x---");
        assertThat(owner(root, "var/lib/app")).isEqualTo("core:wheel");
        assertThat(mode(root.resolve("srv/data"))).isEqualTo("rwxr-xr-x");
        // Links, symbolic and hard.
        assertThat(Files.readSymbolicLink(root.resolve("opt/app/current"))).isEqualTo(Path.of("/opt/app/releases/1"));
        assertThat(Files.readSymbolicLink(root.resolve("usr/local/bin/app"))).isEqualTo(Path.of("/opt/app/bin/run.sh"));
        assertThat(Files.isSameFile(root.resolve("etc/motd.hard"), root.resolve("etc/motd"))).isTrue();
        // Units, drop-ins, and enablement through a preset (systemd applies it on first boot).
        assertThat(root.resolve("etc/systemd/system/app.service")).hasContent(Fixtures.APP_UNIT);
        assertThat(root.resolve("etc/systemd/system/app.service.d/10-env.conf")).content().contains("MODE=production");
        assertThat(root.resolve("etc/systemd/system/systemd-journald.service.d/50-size.conf")).content().contains("SystemMaxUse=200M");
        assertThat(root.resolve("etc/systemd/system/systemd-journald.service")).doesNotExist();
        assertThat(root.resolve("etc/systemd/system-preset/20-ignition.preset")).content()
                .contains("enable app.service")
                .contains("enable backup.timer")
                .contains("disable unwanted.service")
                .doesNotContain("backup.service");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** Owner by name as the server sees it: uid/gid resolved through the root's own passwd and group files. */
    private static String owner(Path root, String relative) throws IOException {
        Path path = root.resolve(relative);
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return nameOf(root.resolve("etc/passwd"), uid) + ":" + nameOf(root.resolve("etc/group"), gid);
    }

    private static String nameOf(Path database, int id) throws IOException {
        return Files.readAllLines(database).stream()
                .map(line -> line.split(":"))
                .filter(fields -> fields.length > 2 && fields[2].equals(Integer.toString(id)))
                .map(fields -> fields[0])
                .findFirst()
                .orElse("#" + id);
    }
}
