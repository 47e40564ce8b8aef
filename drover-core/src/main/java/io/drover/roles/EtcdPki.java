package io.drover.roles;

import io.drover.render.pki.CertificateAuthority;
import io.drover.render.pki.IssuedCertificate;
import io.drover.render.pki.PemKeyStores;
import io.drover.render.pki.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The certificate authority of one etcd cluster and the client identity Drover (and its users) connect with.
 * Kept in the state's secrets, never printed; member certificates are issued per server at boot.
 */
public record EtcdPki(CertificateAuthority ca, IssuedCertificate client) {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration CERT_VALIDITY = Duration.ofDays(825);

    public static EtcdPki generate(String herd, String cluster) {
        CertificateAuthority ca = CertificateAuthority.generate(herd + "/" + cluster + " etcd CA (Drover)", CA_VALIDITY);
        IssuedCertificate client = ca.issue("drover-client", List.of("drover-client"), List.of(), Set.of(Usage.CLIENT), CERT_VALIDITY);
        return new EtcdPki(ca, client);
    }

    /** Reads a cluster's PKI from state secrets, if it has one. */
    public static Optional<EtcdPki> fromSecrets(Map<String, String> secrets, String cluster) {
        String p = prefix(cluster);
        String caCert = secrets.get(p + "ca.crt");
        String caKey = secrets.get(p + "ca.key");
        String cert = secrets.get(p + "client.crt");
        String key = secrets.get(p + "client.key");
        if (caCert == null || caKey == null || cert == null || key == null) {
            return Optional.empty();
        }
        return Optional.of(new EtcdPki(CertificateAuthority.load(caCert, caKey), new IssuedCertificate(cert, key, caCert)));
    }

    public Map<String, String> toSecrets(String cluster) {
        String p = prefix(cluster);
        Map<String, String> m = new HashMap<>();
        m.put(p + "ca.crt", ca.certificatePem());
        m.put(p + "ca.key", ca.privateKeyPem());
        m.put(p + "client.crt", client.certificatePem());
        m.put(p + "client.key", client.privateKeyPem());
        return m;
    }

    private static String prefix(String cluster) {
        return "pki/" + cluster + "/";
    }

    /** A member's certificate, good for serving clients and peers and for dialling peers. */
    public IssuedCertificate issueMember(String name, String ip) {
        return ca.issue(name, List.of(name, "localhost"), List.of(ip, "127.0.0.1"), Set.of(Usage.SERVER, Usage.CLIENT), CERT_VALIDITY);
    }

    public SSLContext clientContext() {
        return PemKeyStores.sslContext(client);
    }

    /** The jetcd client configured with this client identity and trusting only this CA. */
    public EtcdMembership.ClientCustomizer jetcd() {
        return builder -> {
            try {
                builder.sslContext(b -> b
                        .trustManager(stream(ca.certificatePem()))
                        .keyManager(stream(client.certificatePem()), stream(client.privateKeyPem())));
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException("cannot configure TLS for the etcd client: " + e.getMessage(), e);
            }
        };
    }

    /** Client files for users ({@code etcdctl --cacert --cert --key}); the key is readable by its owner only. */
    public ClientFiles writeClientFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path caFile = dir.resolve("ca.crt");
        Path certFile = dir.resolve("client.crt");
        Path keyFile = dir.resolve("client.key");
        Files.writeString(caFile, ca.certificatePem());
        Files.writeString(certFile, client.certificatePem());
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, client.privateKeyPem(), StandardOpenOption.TRUNCATE_EXISTING);
        return new ClientFiles(caFile, certFile, keyFile);
    }

    /** Where a cluster's client material is written: {@code .drover/pki/CLUSTER/} next to the herd file. */
    public static ClientFiles clientFiles(Path workDir, String cluster) {
        Path dir = workDir.resolve("pki").resolve(cluster);
        return new ClientFiles(dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    public record ClientFiles(Path ca, Path cert, Path key) {}

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "EtcdPki[ca=" + ca.fingerprint() + "]";
    }
}
