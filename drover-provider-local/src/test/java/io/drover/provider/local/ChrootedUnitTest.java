package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unit of a server inside a baked image sees the image's paths: specifiers are the real paths inside it. */
class ChrootedUnitTest {
    @TempDir
    Path root;

    @Test
    void specifiersAreImagePathsWhileFilesAreReadFromTheServerRoot() throws Exception {
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.createDirectories(root.resolve("etc/app"));
        Files.writeString(root.resolve("etc/app/env"), "MODE=baked\n");
        Files.writeString(root.resolve("etc/systemd/system/app.service"), """
                [Service]
                EnvironmentFile=%E/app/env
                WorkingDirectory=%S/app
                ExecStart=/usr/bin/app --data=%S/app --conf=%E/app --run=%t --mode=${MODE}
                """);

        ServiceUnit unit = ServiceUnit.resolve(UnitFile.load(root, "app.service"), root, Path.of("/"), "app-0-1", Map.of("PATH", "/usr/bin"));

        assertThat(unit.execStart().get(0).argv())
                .containsExactly("/usr/bin/app", "--data=/var/lib/app", "--conf=/etc/app", "--run=/run", "--mode=baked");
        assertThat(unit.workingDirectory()).isEqualTo(root.resolve("var/lib/app"));
    }

    @Test
    void hostServersKeepSpecifiersInsideTheirRoot() throws Exception {
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.writeString(root.resolve("etc/systemd/system/app.service"), "[Service]\nExecStart=/usr/bin/app --data=%S/app\n");

        ServiceUnit unit = ServiceUnit.resolve(UnitFile.load(root, "app.service"), root, "app-0-1", Map.of());

        assertThat(unit.execStart().get(0).argv()).containsExactly("/usr/bin/app", "--data=" + root.resolve("var/lib") + "/app");
    }

    @Test
    void supervisorConfigRemembersTheImageRoot() throws Exception {
        Path file = root.resolve(SupervisorConfig.NAME);
        new SupervisorConfig("s", "127.0.0.9", java.util.List.of("a.service"), ImageRoot.overlay(Path.of("/images/x/rootfs"))).write(file);
        SupervisorConfig read = SupervisorConfig.read(file);
        assertThat(read.image()).isEqualTo(ImageRoot.overlay(Path.of("/images/x/rootfs")));
        assertThat(read.image().merged(root)).isEqualTo(root.resolve("merged"));

        new SupervisorConfig("s", "127.0.0.9", java.util.List.of()).write(file);
        assertThat(SupervisorConfig.read(file).image()).isEqualTo(ImageRoot.NONE);
    }
}
