package io.drover.cli;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * First uses of what the commands that talk to servers need (Jackson's object mapper, EC keys and signatures, TLS,
 * the HTTP client), made on a second thread while the main one parses the command line and reads the herd file: on
 * a cold JVM each costs tens of milliseconds the first time, mostly in class initialisation (P-256's precomputed
 * table, the JDK's CA list), which the real use then finds done. Heal, restarted while a server is down, is judged
 * by how soon it acts. Without it (15 alternating whole bin/drover runs, start-up caches, quiet 2-core machine):
 * plan 740 vs 610 ms, output 207 vs 188 ms.
 */
final class Warmup {
    /** The commands that reach a provider or servers; the others (output, show, validate...) would not use it. */
    static final Set<String> COMMANDS = Set.of("plan", "apply", "destroy", "heal", "status", "import");

    private Warmup() {}

    /** The commands that read no herd file and no state: they parse no YAML or JSON. */
    static final Set<String> NO_FILES = Set.of("version", "schema", "providers");

    /** Starts the warm-up if {@code command} is one that needs it. */
    static void startFor(String command) {
        if (command != null && COMMANDS.contains(command)) {
            Thread.ofPlatform().daemon().name("drover-warm-up-cas").start(Warmup::jdkCas);
            Thread.ofPlatform().daemon().name("drover-warm-up").start(Warmup::run); // parsers first
        } else if (command != null && Main.COMMANDS.contains(command) && !NO_FILES.contains(command)) {
            Thread.ofPlatform().daemon().name("drover-warm-up-parsers").start(Warmup::parsers);
        }
    }

    /**
     * The first check of a server's certificate asks whether it chains to one of the JDK's own CAs (a rule about
     * SHA-1), which reads and fingerprints the JDK's whole CA store: a tenth of a second, on a thread of its own so
     * that it is done before the first probe (after the rest of the warm-up, it was not). By name, as it is not
     * public; on a JDK without it the warm-up just does less.
     */
    static void jdkCas() {
        try {
            Class.forName("sun.security.util.AnchorCertificates");
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK
        }
    }

    /**
     * Jackson's parsers (YAML for the herd file, JSON for the state) keep BigDecimal constants, and JDK 25's BigDecimal
     * computes 5^(2^16) when its class is initialised: 20-40 ms on a cold JVM, before the first token of the herd file
     * is read. Started first thing, it is mostly done when the main thread gets there.
     */
    static void parsers() {
        try {
            Class.forName("tools.jackson.core.base.ParserMinimalBase", true, Warmup.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // only a warm-up: the real use reports its own errors
        }
    }

    static void run() {
        parsers();
        try {
            // The first certificate parsed asks whether security events are logged (jdk.event.security): that looks
            // up the JDK's System.Logger finder (JdkLoggerFinder, through ServiceLoader), on the main thread (which
            // parses the CA's certificate early in a plan) unless done here first.
            System.getLogger("jdk.event.security").isLoggable(System.Logger.Level.DEBUG);
            JsonMapper json = JsonMapper.builder().build();
            json.readTree(json.writeValueAsBytes(Map.of("warm", List.of("up", 1, true))));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Signature sign = Signature.getInstance("SHA256withECDSA");
            sign.initSign(pair.getPrivate());
            sign.update(new byte[] {1});
            byte[] signature = sign.sign();
            sign.initVerify(pair.getPublic());
            sign.update(new byte[] {1});
            sign.verify(signature);
            KeyPairGenerator xdh = KeyPairGenerator.getInstance("X25519");
            KeyPair mine = xdh.generateKeyPair();
            javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("XDH");
            agreement.init(mine.getPrivate());
            agreement.doPhase(xdh.generateKeyPair().getPublic(), true);
            agreement.generateSecret();
            java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.KeyStore.getInstance("PKCS12").load(null, null); // trusted CAs are held in one
            javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            // Empty managers, not null: null would load the JDK's public CA store, which Drover never trusts.
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[0], new TrustManager[0], null);
            java.net.http.HttpClient.newBuilder().sslContext(tls).build().close();
        } catch (java.security.GeneralSecurityException | java.io.IOException | RuntimeException e) {
            // only a warm-up: the real use reports its own errors
        }
    }
}
