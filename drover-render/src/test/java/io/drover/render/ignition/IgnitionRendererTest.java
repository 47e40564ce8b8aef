package io.drover.render.ignition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Fixtures;
import io.drover.render.InvalidFirstBootException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class IgnitionRendererTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void rendersSameBytesTwice() {
        IgnitionRenderer renderer = new IgnitionRenderer(IgnitionVersion.V3_3);

        assertThat(renderer.render(Fixtures.rich())).isEqualTo(renderer.render(Fixtures.rich()));
    }

    @Test
    void endsWithNewline() {
        String json = text(new IgnitionRenderer().render(Fixtures.rich()));

        assertThat(json).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    }

    @Test
    void sortsObjectKeysAndKeepsListOrder() {
        JsonNode root = parse(new IgnitionRenderer().render(Fixtures.rich()));

        assertSortedKeys(root);
        assertThat(root.at("/storage/files").valueStream().map(f -> f.get("path").asString()).toList())
                .containsExactly("/etc/motd", "/etc/app/secret.env", "/opt/app/bin/run.sh", "/home/core/.hushlogin",
                        "/var/lib/app/marker");
    }

    @Test
    void writesChosenSpecVersion() {
        assertThat(parse(new IgnitionRenderer(IgnitionVersion.V3_0).render(FirstBoot.EMPTY)).at("/ignition/version").asString())
                .isEqualTo("3.0.0");
        assertThat(parse(new IgnitionRenderer(IgnitionVersion.V3_2).render(FirstBoot.EMPTY)).at("/ignition/version").asString())
                .isEqualTo("3.2.0");
    }

    @Test
    void rendersEmptyConfigAsVersionOnly() {
        assertThat(text(new IgnitionRenderer(IgnitionVersion.V3_1).render(FirstBoot.EMPTY)))
                .isEqualTo("{\"ignition\":{\"version\":\"3.1.0\"}}\n");
    }

    @Test
    void rendersUsers() {
        JsonNode core = parse(new IgnitionRenderer().render(Fixtures.rich())).at("/passwd/users/0");

        assertThat(core.get("name").asString()).isEqualTo("core");
        assertThat(core.get("sshAuthorizedKeys").get(0).asString()).isEqualTo(Fixtures.SSH_KEY);
        assertThat(core.get("groups").get(0).asString()).isEqualTo("wheel");
        assertThat(core.get("homeDir").asString()).isEqualTo("/home/core");
        assertThat(core.get("shell").asString()).isEqualTo("/bin/bash");
        assertThat(parse(new IgnitionRenderer().render(Fixtures.rich())).at("/passwd/users/1").propertyNames())
                .containsExactly("name");
    }

    @Test
    void rendersFileModeAsDecimalAndOwnersByName() {
        JsonNode secret = parse(new IgnitionRenderer().render(Fixtures.rich())).at("/storage/files/1");

        assertThat(secret.get("mode").isInt()).isTrue();
        assertThat(secret.get("mode").asInt()).isEqualTo(0600).isEqualTo(384);
        assertThat(secret.at("/user/name").asString()).isEqualTo("core");
        assertThat(secret.at("/group/name").asString()).isEqualTo("wheel");
        assertThat(secret.has("overwrite")).isFalse();
    }

    @Test
    void encodesContentsAsReadablePercentEncodedDataUrl() {
        FirstBoot config = new FirstBoot(List.of(), List.of(new FileEntry("/etc/hello", null, null, "hello world\n", false)),
                List.of(), List.of(), List.of());

        String source = parse(new IgnitionRenderer().render(config)).at("/storage/files/0/contents/source").asString();

        assertThat(source).isEqualTo("data:,hello%20world%0A");
    }

    @Test
    void dataUrlDecodesToExactText() {
        String source = parse(new IgnitionRenderer().render(Fixtures.rich())).at("/storage/files/0/contents/source").asString();

        assertThat(source).startsWith("data:,").doesNotContain("#", "?", "+", " ");
        assertThat(URLDecoder.decode(source.substring("data:,".length()), StandardCharsets.UTF_8)).isEqualTo(Fixtures.TRICKY_TEXT);
    }

    @Test
    void omitsContentsWhenNoneGiven() {
        JsonNode marker = parse(new IgnitionRenderer().render(Fixtures.rich())).at("/storage/files/4");

        assertThat(marker.propertyNames()).containsExactly("path");
    }

    @Test
    void rendersDirectoriesLinksAndUnits() {
        JsonNode root = parse(new IgnitionRenderer().render(Fixtures.rich()));

        assertThat(root.at("/storage/directories/0/mode").asInt()).isEqualTo(0750);
        assertThat(root.at("/storage/links/0/target").asString()).isEqualTo("/opt/app/releases/1");
        assertThat(root.at("/storage/links/0").has("hard")).isFalse();
        assertThat(root.at("/storage/links/2/hard").asBoolean()).isTrue();
        JsonNode app = root.at("/systemd/units/0");
        assertThat(app.get("name").asString()).isEqualTo("app.service");
        assertThat(app.get("enabled").asBoolean()).isTrue();
        assertThat(app.get("contents").asString()).isEqualTo(Fixtures.APP_UNIT);
        assertThat(app.at("/dropins/0/name").asString()).isEqualTo("10-env.conf");
        assertThat(root.at("/systemd/units/3").propertyNames()).containsExactly("dropins", "name");
        assertThat(root.at("/systemd/units/4/enabled").asBoolean(true)).isFalse();
    }

    @Test
    void rejectsRelativeFilePath() {
        FirstBoot config = new FirstBoot(List.of(), List.of(new FileEntry("etc/motd", null, null, "x", false)),
                List.of(), List.of(), List.of());

        assertThatThrownBy(() -> new IgnitionRenderer().render(config))
                .isInstanceOf(InvalidFirstBootException.class)
                .hasMessageContaining("storage.files[0].path \"etc/motd\" must be an absolute path");
    }

    private static void assertSortedKeys(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>(node.propertyNames());
            assertThat(keys).isSorted();
            keys.forEach(k -> assertSortedKeys(node.get(k)));
        } else if (node.isArray()) {
            for (Iterator<JsonNode> it = node.values().iterator(); it.hasNext(); ) {
                assertSortedKeys(it.next());
            }
        }
    }

    private static JsonNode parse(byte[] json) {
        return JSON.readTree(json);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
