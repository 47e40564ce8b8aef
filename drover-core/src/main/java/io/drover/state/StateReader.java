package io.drover.state;

import io.drover.spi.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a state's JSON token by token into {@link State}. Every command reads the state, most write none, and Jackson's
 * object mapper (building a deserializer for each record by reflection) cost a short command such as {@code output}
 * about a fifth of its time; the writer stays with the mapper ({@link StateCodec}), and a test reads back what it
 * writes. Unknown properties are skipped (a newer drover's additions), missing ones take their defaults. With the
 * mapper's databind instead (start-up caches, 15 alternating whole bin/drover runs, quiet 2-core machine): output
 * 342 vs 191 ms, plan 671 vs 621 ms. StateReaderTest reads back every field of every state record, so a field added
 * without this reader fails it.
 */
final class StateReader {
    private static final JsonFactory JSON = new JsonFactory();

    private final String where;
    private JsonParser p;

    private StateReader(String where) {
        this.where = where;
    }

    /** A parser of {@code json}, for a quick look at a few top-level fields. */
    static JsonParser parser(byte[] json) {
        return JSON.createParser(ObjectReadContext.empty(), json);
    }

    /** The state in {@code json}, read from {@code where} (named in errors). */
    static State read(byte[] json, String where) throws DamagedStateException {
        StateReader reader = new StateReader(where);
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), json)) {
            reader.p = parser;
            parser.nextToken();
            State state = reader.state();
            if (parser.nextToken() != null) {
                throw reader.damaged("more after the end of the state");
            }
            return state;
        } catch (Damaged e) {
            throw new DamagedStateException(e.getMessage(), null);
        } catch (JacksonException e) {
            throw new DamagedStateException("the state at " + where + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    private State state() {
        expect(JsonToken.START_OBJECT, "the state");
        int formatVersion = 0;
        String lineage = null;
        long serial = 0;
        String herd = null;
        List<ServerRecord> servers = List.of();
        Map<String, String> outputs = Map.of();
        Map<String, String> secrets = Map.of();
        AppliedHerd applied = null;
        boolean destroyed = false;
        for (String name; (name = p.nextName()) != null; ) {
            p.nextToken();
            switch (name) {
                case "formatVersion" -> formatVersion = (int) number(name);
                case "lineage" -> lineage = string(name);
                case "serial" -> serial = number(name);
                case "herd" -> herd = string(name);
                case "servers" -> servers = servers();
                case "outputs" -> outputs = strings(name);
                case "secrets" -> secrets = strings(name);
                case "applied" -> applied = p.currentToken() == JsonToken.VALUE_NULL ? null : applied();
                case "destroyed" -> destroyed = bool(name);
                default -> p.skipChildren();
            }
        }
        try {
            return new State(formatVersion, lineage, serial, herd, servers, outputs, secrets, applied, destroyed);
        } catch (RuntimeException e) {
            throw damaged("the state does not hold together: " + e.getMessage());
        }
    }

    private List<ServerRecord> servers() {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(JsonToken.START_ARRAY, "servers");
        List<ServerRecord> servers = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            servers.add(server());
        }
        return servers;
    }

    private ServerRecord server() {
        expect(JsonToken.START_OBJECT, "a server");
        String resource = null;
        String cluster = null;
        int slot = 0;
        int generation = 0;
        String name = null;
        String instanceId = null;
        String ip = null;
        String digest = null;
        String imageDigest = null;
        Instant createdAt = null;
        boolean tainted = false;
        Map<String, String> attributes = Map.of();
        String provider = null;
        String accessIp = null;
        boolean spare = false;
        for (String field; (field = p.nextName()) != null; ) {
            p.nextToken();
            switch (field) {
                case "resource" -> resource = string(field);
                case "cluster" -> cluster = string(field);
                case "slot" -> slot = (int) number(field);
                case "generation" -> generation = (int) number(field);
                case "name" -> name = string(field);
                case "instanceId" -> instanceId = string(field);
                case "ip" -> ip = string(field);
                case "digest" -> digest = string(field);
                case "imageDigest" -> imageDigest = string(field);
                case "createdAt" -> createdAt = instant(field);
                case "tainted" -> tainted = bool(field);
                case "attributes" -> attributes = strings(field);
                case "provider" -> provider = string(field);
                case "accessIp" -> accessIp = string(field);
                case "spare" -> spare = bool(field);
                default -> p.skipChildren();
            }
        }
        try {
            return new ServerRecord(resource, cluster, slot, generation, name, instanceId, ip, digest, imageDigest, createdAt,
                    tainted, attributes, provider, accessIp, spare);
        } catch (RuntimeException e) {
            throw damaged("a server record lacks its " + e.getMessage());
        }
    }

    private AppliedHerd applied() {
        expect(JsonToken.START_OBJECT, "applied");
        String text = null;
        Map<String, String> localFiles = Map.of();
        String digest = null;
        Map<String, Map<String, String>> identities = new LinkedHashMap<>();
        for (String field; (field = p.nextName()) != null; ) {
            p.nextToken();
            switch (field) {
                case "text" -> text = string(field);
                case "localFiles" -> localFiles = strings(field);
                case "digest" -> digest = string(field);
                case "identities" -> identities = nestedStrings(field);
                default -> p.skipChildren();
            }
        }
        try {
            return new AppliedHerd(text, localFiles, digest, identities);
        } catch (RuntimeException e) {
            throw damaged("the applied herd lacks its " + e.getMessage());
        }
    }

    /** A JSON object of objects of strings, in its order. */
    private Map<String, Map<String, String>> nestedStrings(String what) {
        Map<String, Map<String, String>> map = new LinkedHashMap<>();
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return map;
        }
        expect(JsonToken.START_OBJECT, what);
        for (String key; (key = p.nextName()) != null; ) {
            p.nextToken();
            map.put(key, strings(what + "." + key));
        }
        return map;
    }

    /** A JSON object of strings, in its order. */
    private Map<String, String> strings(String what) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        expect(JsonToken.START_OBJECT, what);
        Map<String, String> map = new LinkedHashMap<>();
        for (String key; (key = p.nextName()) != null; ) {
            p.nextToken();
            map.put(key, string(what + "." + key));
        }
        return map;
    }

    private String string(String what) {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getValueAsString();
            default -> throw damaged(what + " should be a string");
        };
    }

    private long number(String what) {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw damaged(what + " should be a whole number");
        }
        return p.getLongValue();
    }

    private boolean bool(String what) {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw damaged(what + " should be true or false");
        };
    }

    /** ISO-8601 as written, or seconds since the epoch. */
    private Instant instant(String what) {
        try {
            return switch (p.currentToken()) {
                case VALUE_NULL -> null;
                case VALUE_STRING -> Timestamps.parse(p.getString());
                case VALUE_NUMBER_INT -> Instant.ofEpochSecond(p.getLongValue());
                case VALUE_NUMBER_FLOAT -> Instant.ofEpochSecond(0, p.getDecimalValue().movePointRight(9).longValue());
                default -> throw damaged(what + " should be a time");
            };
        } catch (DateTimeParseException e) {
            throw damaged(what + " should be a time like 2026-01-31T12:00:00Z");
        }
    }

    private void expect(JsonToken token, String what) {
        if (p.currentToken() != token) {
            throw damaged(what + " should be " + (token == JsonToken.START_ARRAY ? "a list" : "an object"));
        }
    }

    private Damaged damaged(String why) {
        var at = p.currentTokenLocation();
        return new Damaged("the state at " + where + " is damaged at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + why);
    }

    /** Unchecked inside the reader, so that the switches stay expressions; {@link #read} makes it a DamagedStateException. */
    private static final class Damaged extends RuntimeException {
        Damaged(String message) {
            super(message, null, false, false);
        }
    }
}
