package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.config.StateSettings;
import io.drover.config.StateSettings.Passphrase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Encryption at rest: passphrase rules, what stays in clear, and a header that cannot be edited. */
class StateCipherTest {
    private static final String PASSPHRASE = "correct horse battery staple";
    private static final StateSettings.Encryption BY_PASSPHRASE = new StateSettings.Encryption(
            new Passphrase("PASS", Passphrase.MIN_ITERATIONS), null);

    private static final State STATE = newState();

    private static State state() {
        return STATE;
    }

    private static State newState() {
        return State.empty("h").with(new ServerRecord("web[0]", "web", 0, 1, "web-0-1", "i-1", "127.0.0.9", "sha256:x", "sha256:i",
                Instant.parse("2026-01-01T00:00:00Z"), false, Map.of())).nextSerial();
    }

    private static StateCodec codec(StateSettings.Encryption e, Map<String, String> env) throws StateException {
        return new StateCodec("h", StateCipher.resolve(e, env), false);
    }

    /** One test, because every PBKDF2 stretching costs about half a second by design. */
    @Test
    void passphraseRoundTripsWrongOneIsAClearErrorAndAWeakenedIterationCountIsRefused() throws Exception {
        StateCodec codec = codec(BY_PASSPHRASE, Map.of("PASS", PASSPHRASE));
        byte[] sealed = codec.encode(state());

        String text = new String(sealed, StandardCharsets.UTF_8);
        assertThat(text).contains("pbkdf2-hmac-sha512").contains("\"iterations\" : " + Passphrase.MIN_ITERATIONS)
                .doesNotContain("web-0-1").doesNotContain(state().lineage());
        assertThat(codec(BY_PASSPHRASE, Map.of("PASS", PASSPHRASE)).decode(sealed, "s")).isEqualTo(state());
        assertThat(codec.version(sealed, "s")).isEqualTo(StateVersion.of(state()));

        assertThatThrownBy(() -> codec(BY_PASSPHRASE, Map.of("PASS", "a wrong passphrase of some length")).decode(sealed, "s"))
                .isInstanceOf(StateKeyException.class)
                .hasMessageContaining("cannot decrypt the state at s with the passphrase in $PASS")
                .hasMessageContaining("the key is wrong");

        byte[] weakened = text.replace("\"iterations\" : " + Passphrase.MIN_ITERATIONS, "\"iterations\" : 1000").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(weakened, "s"))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("1000 PBKDF2 iterations");
    }

    @Test
    void passphraseShorterThanSixteenCharactersOrMissingIsRefused() {
        assertThatThrownBy(() -> codec(BY_PASSPHRASE, Map.of("PASS", "too short")))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> codec(BY_PASSPHRASE, Map.of()))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("$PASS, which is not set");
    }

    @Test
    void keysMustBe256Bits() {
        StateSettings.Encryption byEnv = new StateSettings.Encryption(new StateSettings.KeyEnv("K"), null);
        assertThatThrownBy(() -> codec(byEnv, Map.of("K", "c2hvcnQ=")))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> codec(byEnv, Map.of("K", "not base64 at all!")))
                .isInstanceOf(StateKeyException.class).hasMessageContaining("not base64");
    }

    @Test
    void editingTheClearSerialToPassAnOldStateOffAsNewerFailsAuthentication() throws Exception {
        StateSettings.Encryption byEnv = new StateSettings.Encryption(new StateSettings.KeyEnv("K"), null);
        Map<String, String> env = Map.of("K", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        byte[] sealed = codec(byEnv, env).encode(state());
        byte[] edited = new String(sealed, StandardCharsets.UTF_8).replace("\"serial\" : 1", "\"serial\" : 9").getBytes(StandardCharsets.UTF_8);
        assertThat(edited).isNotEqualTo(sealed);

        assertThatThrownBy(() -> codec(byEnv, env).decode(edited, "s")).isInstanceOf(StateKeyException.class);
    }

    /** Envelopes sealed before drover stretched passphrases itself (with the JDK's PBKDF2) still open. */
    @Test
    void anEnvelopeSealedWithTheJdksPbkdf2StillOpens() throws Exception {
        byte[] sealed;
        try (var in = StateCipherTest.class.getResourceAsStream("sealed-by-jdk-pbkdf2.json")) {
            sealed = in.readAllBytes();
        }
        State opened = codec(BY_PASSPHRASE, Map.of("PASS", PASSPHRASE)).decode(sealed, "s");
        assertThat(opened.herd()).isEqualTo("h");
        assertThat(opened.serial()).isEqualTo(1);
        assertThat(opened.servers()).isEqualTo(state().servers());
    }
}
