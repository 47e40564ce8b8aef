package io.drover.render.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK TLS from PEM text, with key stores that live only in memory: nothing is written to disk and no keystore
 * password has to be managed. The engine uses it to talk TLS to etcd.
 */
public final class PemKeyStores {
    private PemKeyStores() {}

    /**
     * Presents {@code identity} (with its CA certificate as chain) to the other side. A key manager of its own rather
     * than a PKCS#12 store behind a KeyManagerFactory: the store would encrypt the key and the factory decrypt it
     * again (thousands of PBKDF2 rounds each way), a good part of a short command's time, to protect nothing.
     */
    public static KeyManager[] keyManagers(IssuedCertificate identity) {
        X509Certificate leaf = Pems.certificate(identity.certificatePem());
        X509Certificate ca = Pems.certificate(identity.caCertificatePem());
        return new KeyManager[] {new IdentityKeyManager(Pems.privateKey(identity.privateKeyPem()), new X509Certificate[] {leaf, ca})};
    }

    /**
     * Trusts exactly the certificates signed by the CA(s) in {@code caCertificatePem} (one certificate, or a bundle
     * of several while a CA is being rotated), not the JDK's public CAs.
     */
    public static TrustManager[] trustManagers(String caCertificatePem) {
        try {
            KeyStore store = emptyStore();
            int n = 0;
            for (X509Certificate ca : Pems.certificates(caCertificatePem)) {
                store.setCertificateEntry("ca" + n++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot trust the CA certificate: " + e.getMessage(), e);
        }
    }

    /** TLS that presents {@code identity} and trusts its CA: for either end of a mutually authenticated link. */
    public static SSLContext sslContext(IssuedCertificate identity) {
        return context(keyManagers(identity), trustManagers(identity.caCertificatePem()));
    }

    /** TLS that presents {@code identity} and trusts the CAs of {@code trustedCaPems} (a bundle). */
    public static SSLContext sslContext(IssuedCertificate identity, String trustedCaPems) {
        return context(keyManagers(identity), trustManagers(trustedCaPems));
    }

    /** TLS that trusts {@code caCertificatePem} and presents no certificate. */
    public static SSLContext sslContext(String caCertificatePem) {
        return context(null, trustManagers(caCertificatePem));
    }

    private static SSLContext context(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no TLS", e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
