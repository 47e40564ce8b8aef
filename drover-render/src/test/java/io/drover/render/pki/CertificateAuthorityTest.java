package io.drover.render.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DNS = 2;
    private static final int IP = 7;

    private final CertificateAuthority ca = CertificateAuthority.generate("drover test CA", Duration.ofDays(30));

    @Test
    void generatesSelfSignedP256Ca() throws Exception {
        X509Certificate cert = certificate(ca.certificatePem());

        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=drover test CA");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getBasicConstraints()).isNotNegative();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void fingerprintIsSha256OfDer() throws Exception {
        byte[] der = certificate(ca.certificatePem()).getEncoded();

        assertThat(ca.fingerprint())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)))
                .hasSize(64)
                .matches("[0-9a-f]+");
    }

    @Test
    void loadsFromPemAndIssuesWithSameCa() throws Exception {
        CertificateAuthority loaded = CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem());

        IssuedCertificate issued = loaded.issue("node-1", List.of("node-1"), List.of(), Set.of(Usage.SERVER), Duration.ofDays(1));

        assertThat(loaded.fingerprint()).isEqualTo(ca.fingerprint());
        certificate(issued.certificatePem()).verify(certificate(ca.certificatePem()).getPublicKey());
    }

    @Test
    void loadRejectsKeyOfAnotherCa() {
        CertificateAuthority other = CertificateAuthority.generate("other", Duration.ofDays(1));

        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key does not belong to the CA certificate for CN=drover test CA");
    }

    @Test
    void loadRejectsLeafCertificate() {
        IssuedCertificate leaf = ca.issue("node-1", List.of(), List.of(), Set.of(Usage.SERVER), Duration.ofDays(1));

        assertThatThrownBy(() -> CertificateAuthority.load(leaf.certificatePem(), leaf.privateKeyPem()))
                .hasMessageContaining("is not a CA certificate");
    }

    @Test
    void loadRejectsGarbage() {
        assertThatThrownBy(() -> CertificateAuthority.load("not a pem", ca.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a PEM certificate");
    }

    @Test
    void issuedCertificateValidatesAgainstCaWithPkix() throws Exception {
        IssuedCertificate issued = ca.issue("etcd-1", List.of("etcd-1.herd"), List.of("127.0.0.1"),
                Set.of(Usage.SERVER, Usage.CLIENT), Duration.ofDays(1));

        validate(issued.certificatePem(), ca.certificatePem());
        assertThat(issued.caCertificatePem()).isEqualTo(ca.certificatePem());
    }

    @Test
    void issuedCertificateFailsPkixAgainstAnotherCa() {
        IssuedCertificate issued = ca.issue("etcd-1", List.of(), List.of(), Set.of(Usage.SERVER), Duration.ofDays(1));
        CertificateAuthority other = CertificateAuthority.generate("other", Duration.ofDays(1));

        assertThatThrownBy(() -> validate(issued.certificatePem(), other.certificatePem()))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void issuedCertificateCarriesSansAndExtendedKeyUsages() throws Exception {
        IssuedCertificate issued = ca.issue("etcd-1", List.of("etcd-1.herd", "localhost"), List.of("127.0.0.1", "::1"),
                Set.of(Usage.SERVER, Usage.CLIENT), Duration.ofDays(1));
        X509Certificate cert = certificate(issued.certificatePem());

        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        assertThat(sans).contains(List.of(DNS, "etcd-1.herd"), List.of(DNS, "localhost"), List.of(IP, "127.0.0.1"));
        assertThat(sans).anySatisfy(san -> assertThat(san.get(0)).isEqualTo(IP)).hasSize(4);
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=etcd-1");
    }

    @Test
    void clientOnlyCertificateHasOnlyClientAuth() throws Exception {
        IssuedCertificate issued = ca.issue("drover", List.of(), List.of(), Set.of(Usage.CLIENT), Duration.ofDays(1));
        X509Certificate cert = certificate(issued.certificatePem());

        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(cert.getSubjectAlternativeNames()).isNull();
    }

    @Test
    void issuedCertificateDoesNotOutliveCa() throws Exception {
        IssuedCertificate issued = ca.issue("node", List.of(), List.of(), Set.of(Usage.SERVER), Duration.ofDays(3650));

        assertThat(certificate(issued.certificatePem()).getNotAfter())
                .isEqualTo(certificate(ca.certificatePem()).getNotAfter());
    }

    @Test
    void keepsCommaInCommonName() throws Exception {
        IssuedCertificate issued = ca.issue("web, eu", List.of(), List.of(), Set.of(Usage.SERVER), Duration.ofDays(1));

        assertThat(certificate(issued.certificatePem()).getSubjectX500Principal().getName()).isEqualTo("CN=web\\, eu");
    }

    @Test
    void rejectsHostNameGivenAsIpAddress() {
        assertThatThrownBy(() -> ca.issue("node", List.of(), List.of("node-1.herd"), Set.of(Usage.SERVER), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Certificate for node: \"node-1.herd\" is not an IP address; put host names in the DNS names instead.");
    }

    @Test
    void rejectsCertificateWithoutUsage() {
        assertThatThrownBy(() -> ca.issue("node", List.of(), List.of(), Set.of(), Duration.ofDays(1)))
                .hasMessageContaining("needs a usage");
    }

    @Test
    void toStringHidesPrivateKey() {
        IssuedCertificate issued = ca.issue("node", List.of(), List.of(), Set.of(Usage.SERVER), Duration.ofDays(1));

        assertThat(ca.toString()).doesNotContain("PRIVATE KEY").contains(ca.fingerprint());
        assertThat(issued.toString()).doesNotContain("PRIVATE KEY").contains("CN=node");
    }

    @Test
    void loadsSec1EcKeys() throws Exception {
        // "openssl ecparam -genkey" writes SEC1 (BEGIN EC PRIVATE KEY); load() normalizes it to PKCS#8.
        String sec1 = toSec1(ca);
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");

        assertThatCode(() -> CertificateAuthority.load(ca.certificatePem(), sec1)).doesNotThrowAnyException();
        assertThat(CertificateAuthority.load(ca.certificatePem(), sec1).privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    /** SEC1 as {@code openssl ec} writes it: the private scalar, the curve's OID and the public point. */
    private static String toSec1(CertificateAuthority ca) throws Exception {
        ECPrivateKey key = (ECPrivateKey) Pems.privateKey(ca.privateKeyPem());
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(certificate(ca.certificatePem()).getPublicKey().getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), publicKey.getPublicKeyData(),
                new X962Parameters(SECObjectIdentifiers.secp256r1));
        return Pems.encode("EC PRIVATE KEY", sec1.getEncoded());
    }

    private static void validate(String leafPem, String caPem) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(certificate(caPem), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(certificate(leafPem))), parameters);
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
