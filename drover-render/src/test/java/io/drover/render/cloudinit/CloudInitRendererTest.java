package io.drover.render.cloudinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Fixtures;
import io.drover.render.InvalidFirstBootException;
import io.drover.render.Link;
import io.drover.render.Owner;
import io.drover.render.User;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class CloudInitRendererTest {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Test
    void startsWithCloudConfigHeader() {
        assertThat(text(FirstBoot.EMPTY)).startsWith("#cloud-config\n").doesNotContain("---");
    }

    @Test
    void rendersSameBytesTwice() {
        CloudInitRenderer renderer = new CloudInitRenderer();

        assertThat(renderer.render(Fixtures.rich())).isEqualTo(renderer.render(Fixtures.rich()));
    }

    @Test
    void keepsImageDefaultUserFirst() {
        JsonNode users = parse(Fixtures.rich()).get("users");

        assertThat(users.get(0).asString()).isEqualTo("default");
        JsonNode core = users.get(1);
        assertThat(core.get("name").asString()).isEqualTo("core");
        assertThat(core.at("/ssh_authorized_keys/0").asString()).isEqualTo(Fixtures.SSH_KEY);
        assertThat(core.at("/groups/0").asString()).isEqualTo("wheel");
        assertThat(core.get("homedir").asString()).isEqualTo("/home/core");
        assertThat(core.get("shell").asString()).isEqualTo("/bin/bash");
        assertThat(users.get(2).propertyNames()).containsExactly("name"); // no empty key lists: the schema refuses them
    }

    @Test
    void writesPermissionsAsQuotedOctalStrings() {
        String yaml = text(Fixtures.rich());
        JsonNode secret = file(parse(Fixtures.rich()), "/etc/app/secret.env");

        assertThat(yaml).contains("permissions: \"0600\"");
        assertThat(secret.get("permissions").isString()).isTrue();
        assertThat(secret.get("permissions").asString()).isEqualTo("0600");
        assertThat(secret.get("owner").asString()).isEqualTo("core:wheel");
    }

    @Test
    void keepsFileContentsExact() {
        JsonNode root = parse(Fixtures.rich());

        assertThat(file(root, "/etc/motd").get("content").asString()).isEqualTo(Fixtures.TRICKY_TEXT);
        assertThat(file(root, "/opt/app/bin/run.sh").get("content").asString()).isEqualTo("#!/bin/sh\nexec sleep infinity\n");
    }

    @Test
    void defersFilesOwnedByUsersCreatedAtBoot() {
        JsonNode root = parse(Fixtures.rich());

        assertThat(file(root, "/etc/app/secret.env").path("defer").asBoolean()).isTrue();
        assertThat(file(root, "/etc/motd").has("defer")).isFalse();
    }

    @Test
    void defersFilesInHomeOfUsersCreatedAtBoot() {
        // Written early, /home/core would exist as root's before useradd runs, and core could not write home.
        FirstBoot config = new FirstBoot(List.of(new User("core", List.of(), List.of(), null, null)),
                List.of(new FileEntry("/home/core/.profile", null, Owner.ROOT, "x", false),
                        new FileEntry("/home/corey", null, Owner.ROOT, "x", false)),
                List.of(), List.of(), List.of());

        JsonNode root = parse(config);

        assertThat(file(root, "/home/core/.profile").path("defer").asBoolean()).isTrue();
        assertThat(file(root, "/home/corey").has("defer")).isFalse();
    }

    @Test
    void appendsNothingWhenFileHasNoContents() {
        JsonNode marker = file(parse(Fixtures.rich()), "/var/lib/app/marker");

        assertThat(marker.path("append").asBoolean()).isTrue();
        assertThat(marker.has("content")).isFalse();
    }

    @Test
    void writesUnitsAndDropInsIntoSystemdDirectory() {
        JsonNode root = parse(Fixtures.rich());

        assertThat(file(root, "/etc/systemd/system/app.service").get("content").asString()).isEqualTo(Fixtures.APP_UNIT);
        assertThat(file(root, "/etc/systemd/system/app.service.d/10-env.conf").get("content").asString())
                .contains("MODE=production");
        assertThat(file(root, "/etc/systemd/system/systemd-journald.service.d/50-size.conf")).isNotNull();
        assertThat(root.get("write_files").valueStream().map(f -> f.get("path").asString()))
                .doesNotContain("/etc/systemd/system/systemd-journald.service", "/etc/systemd/system/unwanted.service");
    }

    @Test
    void createsDirectoriesLinksThenStartsUnitsInRuncmd() {
        List<String> runcmd = parse(Fixtures.rich()).get("runcmd").valueStream().map(JsonNode::asString).toList();

        assertThat(runcmd).containsSubsequence(
                "mkdir -p /var/lib/app",
                "chmod 0750 /var/lib/app",
                "chown core:wheel /var/lib/app",
                "chmod 0755 /srv/data",
                "mkdir -p /opt/app",
                "ln -sfn /opt/app/releases/1 /opt/app/current",
                "ln -fT /etc/motd /etc/motd.hard",
                "systemctl daemon-reload",
                "systemctl enable --now --no-block app.service",
                "systemctl enable --now --no-block backup.timer",
                "systemctl disable --now --no-block unwanted.service");
        assertThat(runcmd).noneMatch(c -> c.contains("backup.service") || c.contains("systemd-journald"));
    }

    @Test
    void quotesShellArgumentsThatNeedIt() {
        FirstBoot config = new FirstBoot(List.of(), List.of(), List.of(),
                List.of(new Link("/srv/it's here", "/opt/a b", false, null)), List.of());

        List<String> runcmd = parse(config).get("runcmd").valueStream().map(JsonNode::asString).toList();

        assertThat(runcmd).contains("ln -sfn '/opt/a b' '/srv/it'\\''s here'");
    }

    @Test
    void rendersEmptyConfigWithDefaultUserOnly() {
        assertThat(text(FirstBoot.EMPTY)).isEqualTo("#cloud-config\nusers:\n- \"default\"\n");
    }

    @Test
    void rejectsRelativeFilePath() {
        FirstBoot config = new FirstBoot(List.of(), List.of(new FileEntry("etc/motd", null, null, "x", false)),
                List.of(), List.of(), List.of());

        assertThatThrownBy(() -> new CloudInitRenderer().render(config))
                .isInstanceOf(InvalidFirstBootException.class)
                .hasMessageContaining("storage.files[0].path");
    }

    private static JsonNode file(JsonNode root, String path) {
        return root.get("write_files").valueStream()
                .filter(f -> f.get("path").asString().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no write_files entry for " + path));
    }

    private static JsonNode parse(FirstBoot config) {
        return YAML.readTree(new CloudInitRenderer().render(config));
    }

    private static String text(FirstBoot config) {
        return new String(new CloudInitRenderer().render(config), StandardCharsets.UTF_8);
    }
}
