package io.drover.render.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM text to and from JDK key and certificate objects. */
final class Pems {
    private Pems() {}

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException("Could not encode a certificate the JDK just parsed", e);
        }
    }

    /** PKCS#8, which every TLS stack (Go's etcd, OpenSSL, the JDK) reads. */
    static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    static X509Certificate certificate(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
            var certificate = factory.generateCertificate(new ByteArrayInputStream(bytes));
            return (X509Certificate) certificate;
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("Not a PEM certificate (expected -----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
    }

    /** Every certificate of a PEM bundle (one or more {@code CERTIFICATE} blocks), in order. */
    static java.util.List<X509Certificate> certificates(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            var all = factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the PEM text");
            }
            return all.stream().map(c -> (X509Certificate) c).toList();
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("Not a PEM certificate bundle (expected -----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
    }

    /**
     * Reads PKCS#8 ({@code PRIVATE KEY}) and, for keys made by OpenSSL or cfssl, SEC1 ({@code EC PRIVATE KEY}). The
     * PKCS#8 keys Drover writes are read by the JDK alone: BouncyCastle's PEM parser is loaded only for other forms
     * (it costs a short command such as {@code plan} a noticeable part of its start-up).
     */
    static PrivateKey privateKey(String pem) {
        PrivateKey pkcs8 = pkcs8(pem);
        return pkcs8 != null ? pkcs8 : parsed(pem);
    }

    /** The key of a single unencrypted PKCS#8 block of a key type the JDK knows, else null. */
    private static PrivateKey pkcs8(String pem) {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        String text = pem.strip();
        if (!text.startsWith(begin) || !text.endsWith(end) || text.indexOf(begin, 1) >= 0) {
            return null;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // another algorithm, or not a key at all: the next one, then BouncyCastle's parser says which
            }
        }
        return null;
    }

    private static PrivateKey parsed(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo()); // the public half is optional in SEC1
            }
            throw new IllegalArgumentException("Not an unencrypted PEM private key (expected -----BEGIN PRIVATE KEY-----)");
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a readable PEM private key: " + e.getMessage(), e);
        }
    }
}
