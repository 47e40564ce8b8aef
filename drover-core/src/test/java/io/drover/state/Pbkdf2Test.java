package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.config.StateSettings;
import io.drover.config.StateSettings.Passphrase;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

/** The passphrase stretching: the JDK's PBKDF2-HMAC-SHA512 bytes, at a cost a short command can bear. */
class Pbkdf2Test {
    /** bin/drover's compiler flags: the quick compiler only, late. The JDK's SHA-512 is slowest there. */
    private static final List<String> CLI_JIT = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=20");
    /** OpenTofu's pbkdf2 key provider's default, and drover's. */
    private static final int ITERATIONS = 600_000;

    @Test
    void derivesTheSameKeyAsTheJdkForShortLongAndNonAsciiPassphrases() throws Exception {
        byte[] salt = "a salt of sixteen".getBytes(StandardCharsets.UTF_8);
        String longer = "x".repeat(129); // over SHA-512's block: HMAC hashes such a key first
        for (String passphrase : List.of("correct horse battery staple", "çà et là, 駱駝 🐪 des mots", longer)) {
            for (int iterations : new int[] {1, 2, 3, 1000}) {
                assertThat(Pbkdf2.deriveKey(passphrase.toCharArray(), salt, iterations))
                        .as("%s, %d iterations", passphrase, iterations).isEqualTo(jdk(passphrase, salt, iterations));
            }
        }
    }

    @Test
    void aPassphraseCostsACliJvmWellUnderASecondAndAHalfOfCpu() throws Exception {
        Process child = new ProcessBuilder(command()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        Duration cpu = Duration.ofMillis(Long.parseLong(out.strip().lines().reduce((a, b) -> b).orElseThrow()));
        // The JDK's PBKDF2 took 2.1-2.7 s of CPU here in such a JVM; this one 0.8 s. CPU time, not wall time:
        // other work on a shared machine slows the wall clock, not the work done.
        assertThat(cpu).as("CPU time of one 600,000-iteration stretching in a CLI JVM").isLessThan(Duration.ofMillis(1500));
    }

    private static List<String> command() {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CLI_JIT);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Stretch.class.getName()));
        return command;
    }

    /**
     * The child: seals a state with a key (loading the JSON and cipher classes), then with a passphrase as a command
     * does, and prints the CPU time the passphrase's seal took, in ms.
     */
    static final class Stretch {
        public static void main(String[] args) throws Exception {
            new StateCodec("h", StateCipher.resolve(new StateSettings.Encryption(new StateSettings.KeyEnv("K"), null),
                    Map.of("K", java.util.Base64.getEncoder().encodeToString(new byte[32]))), false).encode(State.empty("h").nextSerial());
            StateCodec codec = new StateCodec("h", StateCipher.resolve(new StateSettings.Encryption(new Passphrase("P", ITERATIONS), null),
                    Map.of("P", "correct horse battery staple")), false);
            long before = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            codec.encode(State.empty("h").nextSerial());
            System.out.println((ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - before) / 1_000_000);
        }
    }

    private static byte[] jdk(String passphrase, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(passphrase.toCharArray(), salt, iterations, 256)).getEncoded();
    }
}
