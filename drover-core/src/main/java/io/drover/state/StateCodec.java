package io.drover.state;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * State to and from bytes. Unencrypted: JSON, sorted, indented, stable, so a state file diffs well. Encrypted:
 * an envelope ({@link StateCipher}) around compact JSON.
 */
public final class StateCodec {
    /**
     * The mappers that write states, built on first use: a mapper costs a short command's start-up a noticeable
     * part, and most commands only read ({@link StateReader}).
     */
    private static final class Writers {
        static final JsonMapper PRETTY = JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        static final JsonMapper COMPACT = PRETTY.rebuild().disable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** What a codec with keys writes, and which stored states it reads. */
    private enum Mode {
        /** Writes encrypted; reads only encrypted state. */
        ENCRYPTED,
        /** Writes encrypted; also reads an unencrypted state, once, to encrypt it. */
        ENCRYPTING,
        /** Reads either, with the keys; writes unencrypted, once, to turn encryption off. */
        DECRYPTING
    }

    private final String herd;
    private final StateCipher cipher;
    private final Mode mode;

    /** Unencrypted state; an encrypted one is refused with a message saying how to configure the key. */
    public StateCodec() {
        this(null, null, false);
    }

    /**
     * @param herd the reader's herd, from its herd file: part of the associated data of encrypted states
     * @param cipher the keys, or null for unencrypted state
     * @param acceptUnencrypted with a cipher: read an unencrypted state anyway (once, to encrypt it); writes are
     *     always encrypted
     */
    public StateCodec(String herd, StateCipher cipher, boolean acceptUnencrypted) {
        this(herd, cipher, acceptUnencrypted ? Mode.ENCRYPTING : Mode.ENCRYPTED);
    }

    private StateCodec(String herd, StateCipher cipher, Mode mode) {
        this.herd = herd;
        this.cipher = cipher;
        this.mode = mode;
    }

    /** Whether this codec writes encrypted state. */
    public boolean encrypts() {
        return cipher != null && mode != Mode.DECRYPTING;
    }

    /** Whether this codec has keys to read encrypted state with. */
    public boolean hasKeys() {
        return cipher != null;
    }

    /** The same keys, also reading unencrypted state (for the one migration that encrypts it). */
    public StateCodec acceptingUnencrypted() {
        return new StateCodec(herd, cipher, Mode.ENCRYPTING);
    }

    /**
     * The same keys to read, writing unencrypted JSON: for the one migration that turns encryption off
     * ({@code drover state migrate --decrypt}), made while the herd file still names the key.
     */
    public StateCodec decrypting() {
        return new StateCodec(herd, cipher, Mode.DECRYPTING);
    }

    public byte[] encode(State state) throws StateException {
        if (!encrypts()) {
            return Writers.PRETTY.writeValueAsBytes(state);
        }
        return cipher.seal(Writers.COMPACT.writeValueAsBytes(state), state.herd(), state.lineage(), state.serial());
    }

    /**
     * Seals other bytes of this herd with the state's key (etcd backups): the same envelope as an encrypted state, bound
     * to the herd and to {@code name}, so an object cannot be passed off under another name. Returns them as they are
     * when this codec does not encrypt.
     */
    public byte[] sealBytes(byte[] plaintext, String name) throws StateException {
        return encrypts() ? cipher.seal(plaintext, herd, name, 1) : plaintext;
    }

    /**
     * Opens what {@link #sealBytes} sealed under {@code name}; bytes that are not an envelope are returned as they are
     * (written before encryption was turned on).
     */
    public byte[] openBytes(byte[] bytes, String name, String where) throws StateException {
        if (!StateCipher.isEnvelope(bytes)) {
            return bytes;
        }
        if (cipher == null) {
            throw new StateKeyException(where + " is encrypted with the state's key: configure the state block's encryption to read it");
        }
        StateCipher.Opened opened = cipher.open(bytes, herd, where);
        if (!opened.version().equals(StateVersion.of(name, 1))) {
            throw new DamagedStateException(where + " was sealed under another name: it is not " + name, null);
        }
        return opened.plaintext();
    }

    /** Unencrypted JSON of a state, for people ({@code drover state pull --decrypt}). */
    public static byte[] json(State state) {
        return Writers.PRETTY.writeValueAsBytes(state);
    }

    public State decode(byte[] bytes, String where) throws StateException {
        if (StateCipher.isEnvelope(bytes)) {
            if (cipher == null) {
                throw new EncryptedStateException(where);
            }
            StateCipher.Opened opened = cipher.open(bytes, herd, where);
            State state = parse(opened.plaintext(), where);
            if (!StateVersion.of(state).equals(opened.version()) || !herd.equals(state.herd())) {
                throw new StateKeyException("the encrypted state at " + where + " does not hold what its header says"
                        + " (serial or lineage differ): it was tampered with");
            }
            return state;
        }
        if (cipher != null && mode == Mode.ENCRYPTED) {
            throw new UnencryptedStateException(where);
        }
        return parse(bytes, where);
    }

    /**
     * The lineage and serial stored in these bytes, without decrypting them (a store's compare-and-swap needs no
     * key) and without reading a large state whole.
     */
    public StateVersion version(byte[] bytes, String where) throws StateException {
        if (StateCipher.isEnvelope(bytes)) {
            return StateCipher.peek(bytes, where);
        }
        String lineage = null;
        Long serial = null;
        try (JsonParser p = StateReader.parser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw corrupt(where, "not a JSON object", null);
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME && (lineage == null || serial == null)) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "lineage" -> lineage = p.getString();
                    case "serial" -> serial = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw corrupt(where, e.getOriginalMessage(), e);
        }
        if (lineage == null || serial == null) {
            throw corrupt(where, "no lineage or serial", null);
        }
        return StateVersion.of(lineage, serial);
    }

    private static State parse(byte[] json, String where) throws StateException {
        State state = StateReader.read(json, where);
        if (state.formatVersion() > State.FORMAT_VERSION) {
            throw new StateException("the state at " + where + " has format version " + state.formatVersion()
                    + ", newer than this drover understands (" + State.FORMAT_VERSION + "): upgrade drover");
        }
        return state;
    }

    private static StateException corrupt(String where, String why, Throwable cause) {
        return new DamagedStateException("the state at " + where + " is not valid JSON (" + why + ")", cause);
    }
}
