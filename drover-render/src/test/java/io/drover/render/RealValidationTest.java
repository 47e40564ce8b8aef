package io.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.render.cloudinit.CloudInitRenderer;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Rendered configs against the real {@code ignition-validate} and {@code cloud-init schema}. */
class RealValidationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IgnitionVersion.class)
    void richConfigPassesIgnitionValidateForEveryVersion(IgnitionVersion version) throws IOException {
        Path config = write("rich.ign", new IgnitionRenderer(version).render(Fixtures.rich()));

        RealValidators.Result result = RealValidators.ignitionValidate(config);

        assertThat(RealValidators.ignitionAccepts(result)).as(result.describe()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(IgnitionVersion.class)
    void emptyConfigPassesIgnitionValidate(IgnitionVersion version) throws IOException {
        Path config = write("empty.ign", new IgnitionRenderer(version).render(FirstBoot.EMPTY));

        RealValidators.Result result = RealValidators.ignitionValidate(config);

        assertThat(RealValidators.ignitionAccepts(result)).as(result.describe()).isTrue();
    }

    @Test
    void ignitionValidateRejectsBrokenConfig() throws IOException {
        // Negative control: the same rendered config with a mode as a string must fail, or the tests above prove nothing.
        String rendered = new String(new IgnitionRenderer().render(Fixtures.rich()), StandardCharsets.UTF_8);
        String broken = rendered.replaceFirst("\"mode\":420", "\"mode\":\"0644\"");
        assertThat(broken).isNotEqualTo(rendered);

        RealValidators.Result result = RealValidators.ignitionValidate(write("broken.ign", broken.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(RealValidators.ignitionAccepts(result)).isFalse();
    }

    @Test
    void ignitionWarningsCountAsRejection() throws IOException {
        // ignition-validate exits 0 on warnings, e.g. a key the spec version lacks (shouldExist is 3.2+).
        Path config = write("warn.ign", """
                {"ignition":{"version":"3.0.0"},"passwd":{"users":[{"name":"core","shouldExist":true}]}}
                """.getBytes(StandardCharsets.UTF_8));

        RealValidators.Result result = RealValidators.ignitionValidate(config);

        assertThat(result.exitCode()).isZero();
        assertThat(RealValidators.ignitionAccepts(result)).as(result.describe()).isFalse();
    }

    @Test
    void richConfigPassesCloudInitSchema() throws IOException {
        Path config = write("rich.yaml", new CloudInitRenderer().render(Fixtures.rich()));

        RealValidators.Result result = RealValidators.cloudInitSchema(config);

        assertThat(RealValidators.cloudInitAccepts(result)).as(result.describe()).isTrue();
    }

    @Test
    void emptyConfigPassesCloudInitSchema() throws IOException {
        Path config = write("empty.yaml", new CloudInitRenderer().render(FirstBoot.EMPTY));

        RealValidators.Result result = RealValidators.cloudInitSchema(config);

        assertThat(RealValidators.cloudInitAccepts(result)).as(result.describe()).isTrue();
    }

    @Test
    void cloudInitSchemaRejectsBrokenConfig() throws IOException {
        // Negative control: an unquoted octal mode is an integer, which the write_files schema refuses.
        String rendered = new String(new CloudInitRenderer().render(Fixtures.rich()), StandardCharsets.UTF_8);
        String broken = rendered.replaceFirst("permissions: \"0644\"", "permissions: 644");
        assertThat(broken).isNotEqualTo(rendered);

        RealValidators.Result result = RealValidators.cloudInitSchema(write("broken.yaml", broken.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(RealValidators.cloudInitAccepts(result)).isFalse();
    }

    @Test
    void cloudInitDeprecationsCountAsRejection() throws IOException {
        Path config = write("deprecated.yaml", "#cloud-config\nusers:\n- name: core\n  lock-passwd: true\n"
                .getBytes(StandardCharsets.UTF_8));

        RealValidators.Result result = RealValidators.cloudInitSchema(config);

        assertThat(result.exitCode()).isZero();
        assertThat(RealValidators.cloudInitAccepts(result)).as(result.describe()).isFalse();
    }

    @Test
    void cloudInitSchemaRejectsUnparsableYaml() throws IOException {
        RealValidators.Result result = RealValidators.cloudInitSchema(
                write("bad.yaml", "#cloud-config\nusers: [\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(RealValidators.cloudInitAccepts(result)).as(result.describe()).isFalse();
    }

    @Test
    void renderedCloudConfigUsesOnlyKeysTheSchemaKnows() throws IOException {
        // cloud-init 22.4 silently accepts unknown top-level keys, so check ours against the schema's list.
        String schema = Files.readString(Path.of(
                "/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"));
        String rendered = new String(new CloudInitRenderer().render(Fixtures.rich()), StandardCharsets.UTF_8);

        List<String> topLevelKeys = rendered.lines()
                .filter(line -> !line.startsWith("#") && !line.startsWith(" ") && !line.startsWith("-") && line.contains(":"))
                .map(line -> line.substring(0, line.indexOf(':')))
                .toList();

        assertThat(topLevelKeys).containsExactly("users", "write_files", "runcmd");
        assertThat(topLevelKeys).allSatisfy(key -> assertThat(schema).contains("\"" + key + "\": {"));
    }

    @Test
    void cloudInitReadsBackExactlyWhatWasRendered() throws IOException {
        // Strings that YAML 1.1 (cloud-init's PyYAML) reads as booleans, numbers, dates, tags or merge keys when
        // written plain, and texts that need block-scalar indentation or chomping indicators.
        List<String> tricky = List.of("yes", "no", "on", "off", "y", "True", "null", "~", "", "123", "0644", "0x1F",
                "1e3", "1_000", "1:20", ".inf", "2024-01-01", "=", "<<", "- x", ": x", "#x", "@x", "*ref", "&a", "!tag",
                "%x", "|", ">", "[", "{", "a: b", "a #b", " lead", "trail ", "  indented first\nx\n",
                "no newline\nat end", "\n\nblank first\n", "kept\n\n\n", "crlf\r\nline\r\n", "bell\u0007",
                "nbsp\u00a0x", "emoji \uD83D\uDE00", "tab\n\tstart\n", Fixtures.TRICKY_TEXT);
        List<FileEntry> files = new ArrayList<>();
        for (int i = 0; i < tricky.size(); i++) {
            files.add(new FileEntry("/srv/f" + i, null, null, tricky.get(i), false));
        }
        FirstBoot config = new FirstBoot(List.of(new User("on", List.of(Fixtures.SSH_KEY), List.of("yes"), null, null)),
                files, List.of(), List.of(), List.of());
        Path rendered = write("tricky.yaml", new CloudInitRenderer().render(config));

        RealValidators.Result result = RealValidators.cloudInitYamlAsJson(rendered);

        assertThat(result.exitCode()).as(result.describe()).isZero();
        JsonNode parsed = JsonMapper.builder().build().readTree(result.output());
        assertThat(parsed.at("/write_files").valueStream().map(f -> f.get("content").asString()).toList())
                .containsExactlyElementsOf(tricky);
        assertThat(parsed.at("/users/1/name").asString()).isEqualTo("on");
        assertThat(parsed.at("/users/1/groups/0").asString()).isEqualTo("yes");
        assertThat(RealValidators.cloudInitAccepts(RealValidators.cloudInitSchema(rendered))).isTrue();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
