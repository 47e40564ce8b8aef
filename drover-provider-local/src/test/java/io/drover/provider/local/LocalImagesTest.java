package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.Image;
import io.drover.spi.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImagesTest {
    @TempDir
    Path herdDir;

    private LocalImages images;

    @BeforeEach
    void setUp() {
        images = new LocalImages(herdDir, herdDir.resolve(".drover"));
    }

    @Test
    void hostImageHasAStableDigest() throws ProviderException {
        Image host = images.resolve("host");

        assertThat(host.id()).isEqualTo("host");
        assertThat(host.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(new LocalImages(herdDir, herdDir.resolve(".drover")).resolve("host")).isEqualTo(host);
    }

    @Test
    void directoryImageDigestFollowsContentsAndModes() throws Exception {
        Path image = Files.createDirectories(herdDir.resolve("images/base"));
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("etc/motd"), "v1");
        Image first = images.resolve("images/base");

        assertThat(first.id()).isEqualTo(image.toString());
        assertThat(images.resolve(image.toString()).digest()).isEqualTo(first.digest());

        Files.writeString(image.resolve("etc/motd"), "v2");
        String afterContent = images.resolve("images/base").digest();
        Files.setPosixFilePermissions(image.resolve("etc/motd"), PosixFilePermissions.fromString("rwx------"));
        String afterMode = images.resolve("images/base").digest();

        assertThat(afterContent).isNotEqualTo(first.digest());
        assertThat(afterMode).isNotEqualTo(afterContent);
    }

    @Test
    void copiesADirectoryImageIntoTheRoot() throws Exception {
        Path image = Files.createDirectories(herdDir.resolve("img/opt/bin"));
        Files.writeString(image.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(image.resolve("tool"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(image.resolve("link"), Path.of("tool"));
        Path root = Files.createDirectories(herdDir.resolve("server/root"));

        images.copyInto(images.resolve("img"), root);

        assertThat(root.resolve("opt/bin/tool")).hasContent("#!/bin/sh\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("opt/bin/tool")))).isEqualTo("rwxr-x---");
        assertThat(Files.readSymbolicLink(root.resolve("opt/bin/link"))).isEqualTo(Path.of("tool"));
    }

    @Test
    void unknownImagesAreExplained() {
        assertThatThrownBy(() -> images.resolve("flatcar-stable"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("image 'flatcar-stable' not found: the local provider knows 'host' and directory paths (absolute, or relative to "
                        + herdDir + ")");
    }
}
