package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token-by-token reader against the mapper that writes states: whatever is written reads back equal. */
class StateReaderTest {
    private static State full() {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("z_last", "1");
        outputs.put("etcd_endpoints", "https://127.0.0.2:2379,https://127.0.0.3:2379");
        return new State(State.FORMAT_VERSION, "lineage-1", 42, "web", List.of(
                new ServerRecord("etcd[1]", "etcd", 1, 3, "etcd-1-3", "i-1", "127.0.0.3", "sha256:a", "sha256:b",
                        Instant.parse("2026-11-30T17:38:55.544123Z"), true, Map.of("member_id", "8e9e05c52164694d"), "east")
                        .withAccessIp("203.0.113.3"),
                new ServerRecord("etcd[0]", "etcd", 0, 1, "etcd-0-1", "i-0", null, null, null, null, false, Map.of(), null)),
                outputs, Map.of("pki/etcd/ca.key", "-----BEGIN PRIVATE KEY-----\n\"quoted\" \\ \u00e9\n"),
                new AppliedHerd("herd: web\n", Map.of("files/motd", "hi"), "sha256:c"), true);
    }

    @Test
    void readsBackEverythingTheWriterWrites() throws Exception {
        State state = full();

        State read = StateReader.read(StateCodec.json(state), "test");

        assertThat(read).isEqualTo(state);
        assertThat(read.outputs().keySet()).as("in the file's order (the writer sorts)").containsExactly("etcd_endpoints", "z_last");
    }

    /**
     * Every component of the state's records, found by reflection and given a value of its own that is not its default:
     * a field added to a record and not to the reader reads back as its default, and this fails.
     */
    @Test
    void readsBackEveryFieldOfEveryStateRecord() throws Exception {
        State state = (State) filled(State.class, "state");

        State read = StateReader.read(StateCodec.json(state), "test");

        // The nested records first, so that a failure names the field itself.
        for (Object[] pair : new Object[][] {{state.servers().get(0), read.servers().get(0)}, {state.applied(), read.applied()}, {state, read}}) {
            for (RecordComponent c : pair[0].getClass().getRecordComponents()) {
                assertThat(c.getAccessor().invoke(pair[1])).as(pair[0].getClass().getSimpleName() + "." + c.getName())
                        .isEqualTo(c.getAccessor().invoke(pair[0]));
            }
        }
    }

    /** A record of the state whose every component holds a value named after it (so no two are alike), none a default. */
    private static Object filled(Class<?> record, String name) throws Exception {
        RecordComponent[] components = record.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = value(components[i].getGenericType(), name + "." + components[i].getName(), i + 1);
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return record.getDeclaredConstructor(types).newInstance(values);
    }

    private static Object value(Type type, String name, int n) throws Exception {
        if (type == String.class) {
            return name;
        } else if (type == int.class) {
            return n;
        } else if (type == long.class) {
            return (long) n;
        } else if (type == boolean.class) {
            return true;
        } else if (type == Instant.class) {
            return Instant.parse("2026-11-30T17:38:55.544123Z").plusSeconds(n);
        } else if (type == ServerRecord.class || type == AppliedHerd.class) {
            return filled((Class<?>) type, name);
        } else if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return List.of(value(p.getActualTypeArguments()[0], name + "[0]", n));
        } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return Map.of(name + ".key", value(p.getActualTypeArguments()[1], name + ".value", n));
        }
        throw new AssertionError("a state record has a field of type " + type + " (" + name + "): give it a value here and read it in StateReader");
    }

    @Test
    void readsAnEmptyStateAndOneWithoutAppliedHerd() throws Exception {
        State empty = State.empty("web");

        assertThat(StateReader.read(StateCodec.json(empty), "test")).isEqualTo(empty);
    }

    @Test
    void skipsWhatANewerDroverAddsAndDefaultsWhatAnOlderOneLeftOut() throws Exception {
        String json = """
                {"formatVersion": 1, "lineage": "l", "serial": 3, "herd": "web", "future": {"nested": [1, 2, {"x": null}]},
                 "servers": [{"resource": "web[0]", "cluster": "web", "slot": 0, "generation": 1, "name": "web-0-1",
                              "instanceId": "i", "createdAt": "2026-01-31T12:00:00Z", "alsoNew": true}],
                 "outputs": {}, "secrets": {}, "empty": false}
                """;

        State state = StateReader.read(json.getBytes(StandardCharsets.UTF_8), "test");

        assertThat(state.serial()).isEqualTo(3);
        assertThat(state.applied()).isNull();
        assertThat(state.destroyed()).isFalse();
        assertThat(state.servers()).singleElement().satisfies(s -> {
            assertThat(s.provider()).isNull();
            assertThat(s.accessIp()).as("an older state's server is reached on its one address").isNull();
            assertThat(s.attributes()).isEmpty();
            assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        });
    }

    @Test
    void aServerWithoutItsOwnAccessAddressIsWrittenAsBeforeAndOneWithItKeepsBoth() throws Exception {
        ServerRecord plain = new ServerRecord("web[0]", "web", 0, 1, "web-0-1", "i", "10.0.0.1", null, null, null, false, Map.of());
        State state = State.empty("web").with(plain).with(plain.withAccessIp("10.0.0.1").onProvider("p"))
                .with(new ServerRecord("web[1]", "web", 1, 1, "web-1-1", "j", "10.0.0.2", null, null, null, false, Map.of())
                        .withAccessIp("203.0.113.2"));

        String written = new String(StateCodec.json(state), StandardCharsets.UTF_8);
        State read = StateReader.read(StateCodec.json(state), "test");

        assertThat(written).as("only the server whose addresses differ has the field").containsOnlyOnce("accessIp")
                .contains("\"accessIp\" : \"203.0.113.2\"");
        assertThat(read).isEqualTo(state);
        assertThat(read.server("web-1-1").orElseThrow()).satisfies(s -> {
            assertThat(s.ip()).isEqualTo("10.0.0.2");
            assertThat(s.accessAddress()).isEqualTo("203.0.113.2");
        });
        assertThat(read.server("web-0-1").orElseThrow().accessAddress()).isEqualTo("10.0.0.1");
    }

    @Test
    void aWrongTypeIsNamedWithItsLineAndColumn() {
        String json = "{\n  \"lineage\": \"l\",\n  \"serial\": \"three\"\n}";

        assertThatThrownBy(() -> StateReader.read(json.getBytes(StandardCharsets.UTF_8), "/x/state.json"))
                .isInstanceOf(DamagedStateException.class)
                .hasMessage("the state at /x/state.json is damaged at line 3, column 13: serial should be a whole number");
    }

    @Test
    void aServerWithoutItsNameIsDamage() {
        String json = "{\"lineage\": \"l\", \"servers\": [{\"resource\": \"r\", \"cluster\": \"c\", \"instanceId\": \"i\"}]}";

        assertThatThrownBy(() -> StateReader.read(json.getBytes(StandardCharsets.UTF_8), "s"))
                .isInstanceOf(DamagedStateException.class)
                .hasMessageContaining("a server record lacks its name");
    }

    @Test
    void brokenJsonIsDamage() {
        assertThatThrownBy(() -> StateReader.read("{\"lineage\": ".getBytes(StandardCharsets.UTF_8), "s"))
                .isInstanceOf(DamagedStateException.class)
                .hasMessageStartingWith("the state at s is not valid JSON (");
        assertThatThrownBy(() -> StateReader.read("{} {}".getBytes(StandardCharsets.UTF_8), "s"))
                .isInstanceOf(DamagedStateException.class)
                .hasMessageContaining("more after the end of the state");
    }
}
