package io.drover.render.pki;

import java.util.Objects;

/**
 * A leaf certificate with its key, both PEM, and the CA certificate that signed it (what a server's first-boot
 * files need to serve and verify TLS).
 *
 * @param privateKeyPem PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record IssuedCertificate(String certificatePem, String privateKeyPem, String caCertificatePem) {
    public IssuedCertificate {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(caCertificatePem, "caCertificatePem");
    }

    /** Hides the key so that logging a record never leaks it. */
    @Override
    public String toString() {
        String subject;
        try {
            subject = Pems.certificate(certificatePem).getSubjectX500Principal().getName();
        } catch (IllegalArgumentException e) {
            subject = "unreadable certificate";
        }
        return "IssuedCertificate[" + subject + ", privateKeyPem=(hidden)]";
    }
}
