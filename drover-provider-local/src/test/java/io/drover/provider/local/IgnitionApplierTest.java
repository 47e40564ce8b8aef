package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.ProviderException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class IgnitionApplierTest {
    @TempDir
    Path tempDir;

    private Path root;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectory(tempDir.resolve("root"));
    }

    private IgnitionApplier.Result apply(IgnitionJson config) throws ProviderException {
        return new IgnitionApplier(JsonMapper.builder().build(), root).apply(config.bytes());
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void writesPercentEncodedAndBase64FilesWithTheirModes() throws Exception {
        apply(new IgnitionJson()
                .file("/etc/motd", null, IgnitionJson.dataUrl("hello, world\n100% sure + plus"))
                .file("/opt/bin/tool", 0755, IgnitionJson.base64Url("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8)))
                .file("/etc/secret", 0600, "data:,s3cret"));

        assertThat(root.resolve("etc/motd")).hasContent("hello, world\n100% sure + plus");
        assertThat(mode(root.resolve("etc/motd"))).isEqualTo("rw-r--r--");
        assertThat(root.resolve("opt/bin/tool")).hasContent("#!/bin/sh\necho hi\n");
        assertThat(mode(root.resolve("opt/bin/tool"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(root.resolve("etc/secret"))).isEqualTo("rw-------");
    }

    @Test
    void decompressesGzipContents() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("compressed text".getBytes(StandardCharsets.UTF_8));
        }
        String json = """
                {"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/z","contents":{"compression":"gzip","source":"%s"}}]}}
                """.formatted(IgnitionJson.base64Url(bytes.toByteArray()));

        new IgnitionApplier(JsonMapper.builder().build(), root).apply(json.getBytes(StandardCharsets.UTF_8));

        assertThat(root.resolve("etc/z")).hasContent("compressed text");
    }

    @Test
    void appendsToFiles() throws Exception {
        apply(new IgnitionJson()
                .file("/etc/hosts.extra", null, "data:,one%0A")
                .appendTo("/etc/hosts.extra", "data:,two%0A"));

        assertThat(root.resolve("etc/hosts.extra")).hasContent("one\ntwo\n");
    }

    @Test
    void refusesToReplaceADifferentImageFileWithoutOverwrite() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/conf"), "from the image");

        assertThatThrownBy(() -> apply(new IgnitionJson().file("/etc/conf", null, "data:,mine")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("Ignition storage.files[0] (/etc/conf): the image already has this file with other contents;"
                        + " set overwrite: true to replace it");
    }

    @Test
    void overwriteReplacesAnImageFile() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/conf"), "from the image");
        String json = """
                {"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/conf","overwrite":true,"contents":{"source":"data:,mine"}}]}}
                """;

        new IgnitionApplier(JsonMapper.builder().build(), root).apply(json.getBytes(StandardCharsets.UTF_8));

        assertThat(root.resolve("etc/conf")).hasContent("mine");
    }

    @Test
    void createsDirectoriesWithModes() throws Exception {
        apply(new IgnitionJson().directory("/var/lib/app/data", 0700));

        assertThat(root.resolve("var/lib/app/data")).isDirectory();
        assertThat(mode(root.resolve("var/lib/app/data"))).isEqualTo("rwx------");
    }

    @Test
    void linksPointIntoTheRootWhenTheTargetIsThereAndToTheHostOtherwise() throws Exception {
        apply(new IgnitionJson()
                .file("/opt/app/config", null, "data:,cfg")
                .link("/etc/app.conf", "/opt/app/config", false)
                .link("/opt/bin/python", "/usr/bin/python3", false)
                .link("/etc/relative", "app.conf", false)
                .link("/etc/hard", "/opt/app/config", true));

        assertThat(Files.readSymbolicLink(root.resolve("etc/app.conf"))).isEqualTo(root.resolve("opt/app/config"));
        assertThat(root.resolve("etc/app.conf")).hasContent("cfg");
        assertThat(Files.readSymbolicLink(root.resolve("opt/bin/python"))).isEqualTo(Path.of("/usr/bin/python3"));
        assertThat(Files.readSymbolicLink(root.resolve("etc/relative"))).isEqualTo(Path.of("app.conf"));
        assertThat(Files.isSymbolicLink(root.resolve("etc/hard"))).isFalse();
        assertThat(root.resolve("etc/hard")).hasContent("cfg");
    }

    @Test
    void writesUnitsAndDropinsAndReportsEnabledUnitsInOrder() throws Exception {
        Map<String, String> dropins = new LinkedHashMap<>();
        dropins.put("10-env.conf", "[Service]\nEnvironment=A=1\n");
        IgnitionApplier.Result result = apply(new IgnitionJson()
                .unit("b.service", "[Service]\nExecStart=/bin/true\n", true, dropins)
                .unit("disabled.service", "[Service]\nExecStart=/bin/false\n", false, Map.of())
                .unit("a.service", "[Service]\nExecStart=/bin/true\n"));

        assertThat(result.enabledUnits()).containsExactly("b.service", "a.service");
        assertThat(root.resolve("etc/systemd/system/b.service")).hasContent("[Service]\nExecStart=/bin/true\n");
        assertThat(root.resolve("etc/systemd/system/b.service.d/10-env.conf")).hasContent("[Service]\nEnvironment=A=1\n");
        assertThat(root.resolve("etc/systemd/system/disabled.service")).exists();
    }

    @Test
    void recordsUsers() throws Exception {
        apply(new IgnitionJson().user("core", "ssh-ed25519 AAAA test"));

        assertThat(root.resolve("etc/drover-users.json")).content().contains("\"core\"").contains("ssh-ed25519 AAAA test");
    }

    @Test
    void rejectsRelativePaths() {
        assertThatThrownBy(() -> apply(new IgnitionJson().file("etc/motd", null, "data:,x")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("Ignition storage.files[0] (etc/motd): path 'etc/motd' must be absolute");
    }

    @Test
    void rejectsRemoteSources() {
        assertThatThrownBy(() -> apply(new IgnitionJson().file("/etc/motd", null, "https://example.com/motd")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("Ignition storage.files[0] (/etc/motd): source 'https://example.com/motd' uses 'https';"
                        + " the local provider only reads data: URLs (inline contents)");
    }

    @Test
    void rejectsIgnitionV2() {
        assertThatThrownBy(() -> new IgnitionApplier(JsonMapper.builder().build(), root)
                        .apply("{\"ignition\":{\"version\":\"2.3.0\"}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProviderException.class)
                .hasMessage("the first-boot config has Ignition version '2.3.0'; the local provider reads Ignition v3 (ignition.version 3.x.y)");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> new IgnitionApplier(JsonMapper.builder().build(), root).apply("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("the first-boot config is not valid Ignition JSON: ");
    }
}
