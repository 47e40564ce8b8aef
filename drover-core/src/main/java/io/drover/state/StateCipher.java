package io.drover.state;

import io.drover.config.StateSettings;
import io.drover.config.StateSettings.Passphrase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encryption at rest: AES-256-GCM with a key from a passphrase (PBKDF2-HMAC-SHA512) or a 256-bit key, the JDK's
 * own javax.crypto only.
 *
 * <p>The envelope keeps in clear only what a reader needs before it can decrypt, and what a store needs for its
 * compare-and-swap without the key: the KDF parameters (salt, iterations), the nonce, the serial and the SHA-256
 * of the lineage (never the lineage itself, nor anything else of the state). The associated data binds all of
 * them plus the herd name, which the reader takes from its own herd file, never from the envelope: a state
 * encrypted for another herd, or a clear header edited to pass an old state off as a newer serial, fails
 * authentication. After decryption the reader checks that the plaintext's herd, lineage and serial are the ones
 * the header claims.
 */
public final class StateCipher {
    static final String FORMAT_FIELD = "drover_encrypted_state";
    static final String PBKDF2 = "pbkdf2-hmac-sha512";
    static final String RAW = "none";
    static final String AES_GCM = "aes-256-gcm";
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Built on first use: every command asks {@link #isEnvelope}, few seal or open one, and a mapper is costly to make. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /** A key ready to use. */
    sealed interface Key permits RawKey, PassphraseKey {
        String describe();
    }

    record RawKey(byte[] bytes, String describe) implements Key {}

    record PassphraseKey(char[] passphrase, int iterations, String describe) implements Key {}

    private final Key primary;
    private final Key fallback;
    private final SecureRandom random = new SecureRandom();
    /** PBKDF2 costs most of a second by design: each (passphrase, salt, iterations) is stretched once per process. */
    private final Map<String, byte[]> derived = new HashMap<>();
    /** The salt new envelopes use with a passphrase: the last one opened with it, or one made on first use. */
    private byte[] writeSalt;

    StateCipher(Key primary, Key fallback) {
        this.primary = primary;
        this.fallback = fallback;
    }

    /** The keys a herd file's {@code state.encryption} names, read from the environment or files now. */
    public static StateCipher resolve(StateSettings.Encryption encryption, Map<String, String> environment) throws StateKeyException {
        Key key = key(encryption.key(), environment, "state.encryption");
        Key old = encryption.fallback() == null ? null : key(encryption.fallback(), environment, "state.encryption.fallback");
        return new StateCipher(key, old);
    }

    private static Key key(StateSettings.KeySource source, Map<String, String> environment, String where) throws StateKeyException {
        return switch (source) {
            case Passphrase p -> {
                String value = environment.get(p.environmentVariable());
                if (value == null || value.isEmpty()) {
                    throw new StateKeyException(where + ".passphraseEnv names $" + p.environmentVariable()
                            + ", which is not set: export it with the herd's state passphrase (" + Passphrase.MIN_LENGTH
                            + " characters or more)");
                }
                if (value.codePointCount(0, value.length()) < Passphrase.MIN_LENGTH) {
                    throw new StateKeyException(p.describe() + " is " + value.codePointCount(0, value.length())
                            + " characters long; at least " + Passphrase.MIN_LENGTH + " are required (a few random words will do)");
                }
                yield new PassphraseKey(value.toCharArray(), p.iterations(), p.describe());
            }
            case StateSettings.KeyEnv k -> {
                String value = environment.get(k.environmentVariable());
                if (value == null || value.isBlank()) {
                    throw new StateKeyException(where + ".keyEnv names $" + k.environmentVariable()
                            + ", which is not set: export it with the base64 of a 256-bit key (head -c 32 /dev/urandom | base64)");
                }
                yield new RawKey(base64Key(value.strip(), k.describe()), k.describe());
            }
            case StateSettings.KeyFile f -> {
                byte[] content;
                try {
                    content = Files.readAllBytes(f.path());
                } catch (NoSuchFileException e) {
                    throw new StateKeyException(where + ".keyFile " + f.path() + " does not exist: create it with"
                            + " 'head -c 32 /dev/urandom | base64 > " + f.path() + "' (and keep a copy somewhere safe)");
                } catch (IOException e) {
                    throw new StateKeyException("cannot read " + f.describe() + ": " + e.getMessage(), e);
                }
                yield new RawKey(content.length == 32 ? content
                        : base64Key(new String(content, StandardCharsets.US_ASCII).strip(), f.describe()), f.describe());
            }
        };
    }

    private static byte[] base64Key(String text, String what) throws StateKeyException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new StateKeyException(what + " is not base64: make one with 'head -c 32 /dev/urandom | base64'");
        }
        if (key.length != 32) {
            throw new StateKeyException(what + " is " + key.length * 8 + " bits; AES-256 needs 256 (32 bytes):"
                    + " make one with 'head -c 32 /dev/urandom | base64'");
        }
        return key;
    }

    /** Whether these bytes are an encrypted state (as opposed to a plain JSON state). */
    public static boolean isEnvelope(byte[] bytes) {
        // The marker is the first field, so looking at the start is enough and costs nothing for a large state.
        int end = Math.min(bytes.length, 64);
        return new String(bytes, 0, end, StandardCharsets.UTF_8).replaceAll("\\s", "").startsWith("{\"" + FORMAT_FIELD + "\"");
    }

    /** Encrypts a state's JSON into an envelope. */
    byte[] seal(byte[] plaintext, String herd, String lineage, long serial) throws StateKeyException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(FORMAT_FIELD, 1);
        byte[] key;
        switch (primary) {
            case PassphraseKey p -> {
                if (writeSalt == null) {
                    writeSalt = new byte[SALT_BYTES];
                    random.nextBytes(writeSalt);
                }
                header.put("kdf", PBKDF2);
                header.put("iterations", p.iterations());
                header.put("salt", b64(writeSalt));
                key = derive(p, writeSalt, p.iterations());
            }
            case RawKey r -> {
                header.put("kdf", RAW);
                key = r.bytes();
            }
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        header.put("cipher", AES_GCM);
        header.put("nonce", b64(nonce));
        header.put("serial", serial);
        header.put("lineage_sha256", StateVersion.digest(lineage));
        byte[] ciphertext;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData(herd, Header.of(header)));
            ciphertext = c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new StateKeyException("cannot encrypt the state: " + e.getMessage(), e);
        }
        header.put("ciphertext", ciphertext); // written as base64 by Jackson, without a copy as a String
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(header);
    }

    /** The clear header of an envelope: everything but the ciphertext. */
    record Header(String kdf, int iterations, String salt, String cipher, String nonce, long serial, String lineageDigest) {
        static Header of(Map<String, Object> fields) {
            Object iterations = fields.get("iterations");
            return new Header((String) fields.get("kdf"), iterations == null ? 0 : ((Number) iterations).intValue(),
                    (String) fields.getOrDefault("salt", ""), (String) fields.get("cipher"), (String) fields.get("nonce"),
                    ((Number) fields.get("serial")).longValue(), (String) fields.get("lineage_sha256"));
        }

        StateVersion version() {
            return serial <= 0 ? StateVersion.NONE : new StateVersion(lineageDigest, serial);
        }
    }

    /** The version an envelope claims, read from its clear header without decrypting (for compare-and-swap). */
    static StateVersion peek(byte[] envelope, String where) throws StateException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = StateReader.parser(envelope)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new StateException("the encrypted state at " + where + " is damaged (not a JSON object)");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("serial")) {
                    fields.put(name, p.getLongValue());
                } else if (name.equals("lineage_sha256")) {
                    fields.put(name, p.getString());
                } else {
                    p.skipChildren();
                }
                if (fields.size() == 2) {
                    break;
                }
            }
        } catch (JacksonException e) {
            throw new StateException("the encrypted state at " + where + " is damaged (" + e.getOriginalMessage() + ")", e);
        }
        if (fields.size() != 2) {
            throw new StateException("the encrypted state at " + where + " is damaged (no serial or lineage in its header)");
        }
        long serial = (Long) fields.get("serial");
        return serial <= 0 ? StateVersion.NONE : new StateVersion((String) fields.get("lineage_sha256"), serial);
    }

    /** Decrypts an envelope made for {@code herd}, with the primary key or else the fallback. */
    Opened open(byte[] envelope, String herd, String where) throws StateException {
        Map<String, Object> fields = new LinkedHashMap<>();
        byte[] ciphertext = null;
        int format = 0;
        // Streamed: a large state's ciphertext is decoded from base64 straight into bytes, never held as a String.
        try (JsonParser p = StateReader.parser(envelope)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new StateException("the encrypted state at " + where + " is damaged (not a JSON object)");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case FORMAT_FIELD -> format = p.getIntValue();
                    case "ciphertext" -> ciphertext = p.getBinaryValue();
                    case "iterations" -> fields.put(name, p.getIntValue());
                    case "serial" -> fields.put(name, p.getLongValue());
                    default -> {
                        if (t == JsonToken.VALUE_STRING) {
                            fields.put(name, p.getString());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (JacksonException e) {
            throw new StateException("the encrypted state at " + where + " is damaged (" + e.getOriginalMessage() + ")", e);
        }
        if (format != 1) {
            throw new StateException("the encrypted state at " + where + " has format " + format
                    + ", which this drover does not understand: upgrade drover");
        }
        Header header;
        byte[] nonce;
        byte[] salt;
        try {
            header = Header.of(fields);
            nonce = Base64.getDecoder().decode(header.nonce());
            salt = Base64.getDecoder().decode(header.salt());
            java.util.Objects.requireNonNull(ciphertext);
            java.util.Objects.requireNonNull(header.lineageDigest());
        } catch (RuntimeException e) {
            throw new StateException("the encrypted state at " + where + " is damaged (a header field is missing or malformed)", e);
        }
        if (!AES_GCM.equals(header.cipher()) || !(PBKDF2.equals(header.kdf()) || RAW.equals(header.kdf()))) {
            throw new StateException("the state at " + where + " is encrypted with " + header.cipher() + " / " + header.kdf()
                    + ", which this drover does not know: upgrade drover");
        }
        if (PBKDF2.equals(header.kdf()) && (header.iterations() < Passphrase.MIN_ITERATIONS || header.iterations() > Passphrase.MAX_ITERATIONS)) {
            throw new StateKeyException("the state at " + where + " claims " + header.iterations() + " PBKDF2 iterations, outside "
                    + Passphrase.MIN_ITERATIONS + ".." + Passphrase.MAX_ITERATIONS + ": it was not written by drover, or was tampered with");
        }
        List<String> tried = new ArrayList<>();
        for (Key key : fallback == null ? List.of(primary) : List.of(primary, fallback)) {
            byte[] k = switch (key) {
                case PassphraseKey p -> PBKDF2.equals(header.kdf()) ? derive(p, salt, header.iterations()) : null;
                case RawKey r -> RAW.equals(header.kdf()) ? r.bytes() : null;
            };
            if (k == null) {
                tried.add(key.describe() + " (the state was encrypted with " + (RAW.equals(header.kdf()) ? "a key, not a passphrase" : "a passphrase, not a key") + ")");
                continue;
            }
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
                c.updateAAD(associatedData(herd, header));
                byte[] plaintext = c.doFinal(ciphertext);
                if (key == primary && key instanceof PassphraseKey p && p.iterations() == header.iterations()) {
                    writeSalt = salt; // keep it: the next write then needs no second stretching
                }
                return new Opened(plaintext, header.version(), key == fallback);
            } catch (AEADBadTagException e) {
                tried.add(key.describe());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new StateKeyException("cannot decrypt the state at " + where + ": " + e.getMessage(), e);
            }
        }
        throw new StateKeyException("cannot decrypt the state at " + where + " with " + String.join(", nor with ", tried)
                + ": the key is wrong, or this state was encrypted for another herd than '" + herd + "', or it was tampered with."
                + " Nothing was changed");
    }

    /** A decrypted envelope. */
    record Opened(byte[] plaintext, StateVersion version, boolean withFallback) {}

    private byte[] derive(PassphraseKey p, byte[] salt, int iterations) {
        String cacheKey = (p == primary ? "primary/" : "fallback/") + b64(salt) + "/" + iterations;
        synchronized (derived) {
            byte[] key = derived.get(cacheKey);
            if (key == null) {
                key = Pbkdf2.deriveKey(p.passphrase(), salt, iterations);
                derived.put(cacheKey, key);
            }
            return key;
        }
    }

    /**
     * The associated data: the herd name from the reader's own herd file, and every clear header field, one per
     * line (none of them can hold a newline: herd names, base64, hex and numbers).
     */
    private static byte[] associatedData(String herd, Header h) {
        return String.join("\n", "drover-encrypted-state/1", herd, h.kdf(), Integer.toString(h.iterations()), h.salt(), h.cipher(),
                h.nonce(), h.lineageDigest(), Long.toString(h.serial())).getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
