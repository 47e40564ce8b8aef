package io.drover.render.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for one herd: it signs the certificates servers use for TLS among themselves (etcd
 * peers) and with Drover. Keys are ECDSA P-256, which etcd, Go, OpenSSL and the JDK all accept.
 *
 * @param certificatePem the self-signed CA certificate
 * @param privateKeyPem its PKCS#8 key; keep it out of logs and first-boot files
 */
public record CertificateAuthority(String certificatePem, String privateKeyPem) {
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    // Servers boot with clocks a little behind ours; a certificate valid only from "now" would be refused.
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    public CertificateAuthority {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    /** A new self-signed CA valid from now for {@code validity}. */
    public static CertificateAuthority generate(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name subject = subject(commonName);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(builder, keys.getPrivate());
            return new CertificateAuthority(Pems.certificate(certificate), Pems.privateKey(keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("Could not create the CA certificate for " + commonName, e);
        }
    }

    /**
     * A CA from its PEM certificate and key (as stored in the herd's state).
     *
     * @throws IllegalArgumentException if either does not parse, the certificate is not a CA, or the key is not
     *     the certificate's
     */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem) {
        X509Certificate certificate = Pems.certificate(certificatePem);
        PrivateKey key = Pems.privateKey(privateKeyPem);
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("The certificate for " + certificate.getSubjectX500Principal().getName()
                    + " is not a CA certificate (no CA basic constraint); give the CA's certificate, not a server's.");
        }
        if (!matches(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("The private key does not belong to the CA certificate for "
                    + certificate.getSubjectX500Principal().getName() + "; give the key the CA was created with.");
        }
        return new CertificateAuthority(certificatePem, Pems.privateKey(key));
    }

    /**
     * A CA Drover recorded in its own state (made by {@link #generate}, or checked by {@link #load} before it was
     * recorded), taken as it is: {@code load}'s check that key and certificate belong together signs and verifies
     * with the key, which costs a short command such as {@code plan} a tenth of a second, every run.
     */
    public static CertificateAuthority recorded(String certificatePem, String privateKeyPem) {
        if (certificatePem == null || privateKeyPem == null) {
            throw new IllegalArgumentException("A recorded CA needs its certificate and its key.");
        }
        return new CertificateAuthority(certificatePem, privateKeyPem);
    }

    /** SHA-256 of the certificate's DER encoding, lowercase hex, as {@code openssl x509 -fingerprint -sha256} shows. */
    public String fingerprint() {
        try {
            byte[] der = Pems.certificate(certificatePem).getEncoded();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /**
     * Signs a new leaf certificate with a fresh key.
     *
     * @param dnsNames subject alternative DNS names (TLS clients check the name they dialed against these)
     * @param ipAddresses subject alternative IP addresses, IPv4 or IPv6 literals
     * @throws IllegalArgumentException if an IP address is not a literal
     */
    public IssuedCertificate issue(String commonName, List<String> dnsNames, List<String> ipAddresses, Set<Usage> usages,
            Duration validity) {
        if (usages.isEmpty()) {
            throw new IllegalArgumentException("Certificate for " + commonName + " needs a usage: SERVER, CLIENT or both.");
        }
        X509Certificate caCertificate = Pems.certificate(certificatePem);
        PrivateKey caKey = Pems.privateKey(privateKeyPem);
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(caCertificate.getNotAfter().toInstant())) {
            // A leaf outliving its CA would look valid here and fail on every server once the CA expires.
            notAfter = caCertificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serialNumber(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject(commonName), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(usages))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caCertificate));
            GeneralNames names = subjectAlternativeNames(commonName, dnsNames, ipAddresses);
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            X509Certificate certificate = sign(builder, caKey);
            return new IssuedCertificate(Pems.certificate(certificate), Pems.privateKey(keys.getPrivate()), certificatePem);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("Could not issue a certificate for " + commonName, e);
        }
    }

    private static ExtendedKeyUsage extendedKeyUsage(Set<Usage> usages) {
        // Fixed order, whatever the set's iteration order, so equal requests give equal extensions.
        return new ExtendedKeyUsage(Stream.of(Usage.values())
                .filter(usages::contains)
                .map(u -> u == Usage.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth)
                .toArray(KeyPurposeId[]::new));
    }

    private static GeneralNames subjectAlternativeNames(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            try {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Certificate for " + commonName + ": \"" + ip
                        + "\" is not an IP address; put host names in the DNS names instead.", e);
            }
        }
        return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot make P-256 keys", e);
        }
    }

    /** Positive and 159 bits: random serials keep browsers' and Go's duplicate-serial checks happy across CAs. */
    private static BigInteger serialNumber() {
        return new BigInteger(159, new SecureRandom());
    }

    private static X500Name subject(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("A certificate needs a common name.");
        }
        // Built RDN by RDN, so a comma in the name stays part of the name.
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        try {
            byte[] probe = "drover-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Hides the key so that logging the CA never leaks it. */
    @Override
    public String toString() {
        return "CertificateAuthority[fingerprint=" + fingerprint() + ", privateKeyPem=(hidden)]";
    }
}
