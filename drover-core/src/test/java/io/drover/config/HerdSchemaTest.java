package io.drover.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON Schema editors use and the keys the loader accepts are the same tree. */
class HerdSchemaTest {

    private final JsonNode schema = readSchema();

    private static JsonNode readSchema() {
        try (InputStream in = HerdLoader.class.getResourceAsStream("herd.schema.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void isDraft2020SchemaOfAMap() {
        assertThat(schema.path("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("type").asString()).isEqualTo("object");
    }

    @Test
    void schemaAndLoaderAcceptTheSameKeysEverywhere() {
        assertThat(differences(Shape.Herd.ROOT, schema)).isEmpty();
    }

    @Test
    void aKeyOnlyTheLoaderKnowsIsADifference() {
        Map<String, Shape> fields = new LinkedHashMap<>(Shape.Herd.ROOT.fields());
        fields.put("extra", Shape.SCALAR);

        assertThat(differences(new Shape.Fields(fields, false), schema)).containsExactly("$: loader only [extra]");
    }

    @Test
    void aKeyOnlyTheSchemaKnowsIsADifference() {
        Map<String, Shape> fields = new LinkedHashMap<>(Shape.Herd.ROOT.fields());
        fields.remove("outputs");

        assertThat(differences(new Shape.Fields(fields, false), schema)).containsExactly("$: schema only [outputs]");
    }

    @Test
    void schemaOffersTheEtcdFlagsTheLoaderAccepts() {
        JsonNode flags = schema.path("$defs").path("etcd").path("properties").path("flags");
        TreeSet<String> offered = new TreeSet<>(flags.path("propertyNames").path("enum").valueStream().map(JsonNode::asString).toList());

        TreeSet<String> accepted = new TreeSet<>(EtcdFlags.SUPPORTED.known(null));
        accepted.removeAll(ClusterReader.RESERVED_ETCD_FLAGS);
        assertThat(offered).isEqualTo(accepted);
    }

    private List<String> differences(Shape shape, JsonNode root) {
        List<String> out = new ArrayList<>();
        walk(shape, root, "$", out);
        return out;
    }

    private void walk(Shape shape, JsonNode unresolved, String path, List<String> out) {
        JsonNode node = resolve(unresolved);
        switch (shape) {
            case Shape.Fields fields -> {
                if (!node.path("type").asString("").equals("object")) {
                    out.add(path + ": schema is not an object");
                    return;
                }
                TreeSet<String> loaderOnly = new TreeSet<>(fields.fields().keySet());
                TreeSet<String> schemaOnly = new TreeSet<>(node.path("properties").propertyNames());
                loaderOnly.removeAll(node.path("properties").propertyNames());
                schemaOnly.removeAll(fields.fields().keySet());
                if (!loaderOnly.isEmpty()) {
                    out.add(path + ": loader only " + loaderOnly);
                }
                if (!schemaOnly.isEmpty()) {
                    out.add(path + ": schema only " + schemaOnly);
                }
                boolean schemaOpen = !node.path("additionalProperties").isBoolean() || node.path("additionalProperties").booleanValue();
                if (schemaOpen != fields.open()) {
                    out.add(path + ": additionalProperties should be " + fields.open());
                }
                fields.fields().forEach((key, value) -> {
                    if (node.path("properties").has(key)) {
                        walk(value, node.path("properties").path(key), path + "." + key, out);
                    }
                });
            }
            case Shape.Named named -> {
                if (!node.path("additionalProperties").isObject() || node.has("properties")) {
                    out.add(path + ": schema should take any key with additionalProperties: {schema}");
                    return;
                }
                walk(named.value(), node.path("additionalProperties"), path + ".*", out);
            }
            case Shape.Items items -> {
                if (!node.path("type").asString("").equals("array")) {
                    out.add(path + ": schema is not an array");
                    return;
                }
                walk(items.item(), node.path("items"), path + "[]", out);
            }
            case Shape.Scalar scalar -> {
                if (node.has("properties") || node.path("type").asString("").equals("object")
                        || node.path("type").asString("").equals("array")) {
                    out.add(path + ": schema is not a single value");
                }
            }
            case Shape.ScalarOr either -> {
                JsonNode object = null;
                for (JsonNode option : node.path("oneOf").values()) {
                    if (resolve(option).path("type").asString("").equals("object")) {
                        object = option;
                    }
                }
                if (object == null || node.path("oneOf").size() != 2) {
                    out.add(path + ": schema should be oneOf a value or an object");
                    return;
                }
                walk(either.fields(), object, path, out);
            }
        }
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.path("$ref").asString();
            node = schema.at(ref.substring(1));
        }
        return node;
    }
}
