package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostEtcdVersionTest {
    @TempDir
    Path dir;

    /** A stand-in etcd that counts how often it is asked. */
    private Path etcd(String version) throws Exception {
        Path etcd = dir.resolve("etcd");
        Files.writeString(etcd, "#!/bin/sh\necho x >> " + dir.resolve("asked") + "\necho 'etcd Version: " + version + "'\necho 'Go Version: go1'\n");
        Files.setPosixFilePermissions(etcd, PosixFilePermissions.fromString("rwxr-xr-x"));
        return etcd;
    }

    private long asked() throws Exception {
        return Files.exists(dir.resolve("asked")) ? Files.readAllLines(dir.resolve("asked")).size() : 0;
    }

    @Test
    void asksEtcdOnceAndRemembersTheAnswer() throws Exception {
        Path etcd = etcd("3.4.23");
        Path cache = dir.resolve("root/host-etcd-version");

        assertThat(new HostEtcdVersion(etcd, cache).get()).isEqualTo("etcd Version: 3.4.23");
        assertThat(new HostEtcdVersion(etcd, cache).get()).isEqualTo("etcd Version: 3.4.23");

        assertThat(asked()).isEqualTo(1);
    }

    @Test
    void asksAgainWhenTheBinaryChanges() throws Exception {
        Path cache = dir.resolve("host-etcd-version");
        assertThat(new HostEtcdVersion(etcd("3.4.23"), cache).get()).isEqualTo("etcd Version: 3.4.23");

        Path upgraded = etcd("3.5.9");
        Files.setLastModifiedTime(upgraded, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(new HostEtcdVersion(upgraded, cache).get()).isEqualTo("etcd Version: 3.5.9");
        assertThat(asked()).isEqualTo(2);
    }

    @Test
    void noEtcdIsAnEmptyVersion() {
        assertThat(new HostEtcdVersion(dir.resolve("missing"), dir.resolve("cache")).get()).isEmpty();
        assertThat(dir.resolve("cache")).doesNotExist();
    }
}
