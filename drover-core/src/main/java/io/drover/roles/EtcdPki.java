package io.drover.roles;

import io.drover.render.pki.CertificateAuthority;
import io.drover.render.pki.IssuedCertificate;
import io.drover.render.pki.PemKeyStores;
import io.drover.render.pki.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * The certificate authority of one etcd cluster and the client identity Drover (and its users) connect with,
 * kept in the state's secrets and never printed; member certificates are issued per server at boot.
 *
 * <p>Rotating the CA replaces every member three times, rolling, so that any two members always trust each
 * other: first every member comes to trust both CAs ({@link Phase#TRUST_BOTH}), then every member gets a
 * certificate from the new CA ({@link Phase#ISSUE_NEW}), then the old CA is dropped ({@link Phase#DROP_OLD},
 * after which the cluster is {@link Phase#STEADY} again).
 *
 * @param issuer the CA that signs member and client certificates
 * @param client the identity Drover connects with; signed by a CA every member trusts in this phase
 * @param trusted the CA certificates members and clients trust (the issuer, and during a rotation the other CA)
 * @param next the new CA while members come to trust it ({@link Phase#TRUST_BOTH} only), else null
 */
public record EtcdPki(CertificateAuthority issuer, IssuedCertificate client, List<String> trusted, Phase phase, CertificateAuthority next) {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration CERT_VALIDITY = Duration.ofDays(825);

    /** Where a cluster is in a CA rotation. */
    public enum Phase {
        STEADY, TRUST_BOTH, ISSUE_NEW, DROP_OLD;

        public String describe() {
            return switch (this) {
                case STEADY -> "no rotation";
                case TRUST_BOTH -> "1/3: members come to trust the new CA as well";
                case ISSUE_NEW -> "2/3: members get certificates from the new CA";
                case DROP_OLD -> "3/3: members stop trusting the old CA";
            };
        }
    }

    public EtcdPki {
        trusted = List.copyOf(trusted);
    }

    public static EtcdPki generate(String herd, String cluster) {
        CertificateAuthority ca = newCa(herd, cluster);
        return new EtcdPki(ca, client(ca), List.of(ca.certificatePem()), Phase.STEADY, null);
    }

    private static CertificateAuthority newCa(String herd, String cluster) {
        return CertificateAuthority.generate(herd + "/" + cluster + " etcd CA (Drover)", CA_VALIDITY);
    }

    private static IssuedCertificate client(CertificateAuthority ca) {
        return ca.issue("drover-client", List.of("drover-client"), List.of(), Set.of(Usage.CLIENT), CERT_VALIDITY);
    }

    /** Starts a rotation: a new CA that members will first come to trust. */
    public EtcdPki startRotation(String herd, String cluster) {
        if (phase != Phase.STEADY) {
            return this;
        }
        CertificateAuthority fresh = newCa(herd, cluster);
        return new EtcdPki(issuer, client, List.of(issuer.certificatePem(), fresh.certificatePem()), Phase.TRUST_BOTH, fresh);
    }

    /** The next phase, once every member runs the current one. */
    public EtcdPki advance() {
        return switch (phase) {
            case STEADY -> this;
            case TRUST_BOTH -> new EtcdPki(next, client(next), trusted, Phase.ISSUE_NEW, null);
            case ISSUE_NEW -> new EtcdPki(issuer, client, List.of(issuer.certificatePem()), Phase.DROP_OLD, null);
            case DROP_OLD -> new EtcdPki(issuer, client, trusted, Phase.STEADY, null);
        };
    }

    /** What members are built from; part of their identity, so each phase rolls every member. */
    public Map<String, String> identity() {
        Map<String, String> m = new HashMap<>();
        m.put("etcd-ca", issuer.fingerprint());
        if (trusted.size() != 1 || !trusted.get(0).equals(issuer.certificatePem())) {
            m.put("etcd-trust", trusted.stream().map(EtcdPki::fingerprintOf).sorted().collect(Collectors.joining(",")));
        }
        return m;
    }

    private static String fingerprintOf(String pem) {
        return io.drover.plan.Identity.sha256(pem);
    }

    /** The trusted CA certificates as one PEM bundle (what members and clients load as their CA file). */
    public String trustBundle() {
        return String.join("", trusted);
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
        CertificateAuthority issuer = CertificateAuthority.recorded(caCert, caKey);
        List<String> trusted = new ArrayList<>();
        for (int i = 0; secrets.containsKey(p + "trust." + i); i++) {
            trusted.add(secrets.get(p + "trust." + i));
        }
        if (trusted.isEmpty()) {
            trusted.add(caCert);
        }
        Phase phase = Phase.valueOf(secrets.getOrDefault(p + "phase", Phase.STEADY.name()));
        CertificateAuthority next = secrets.containsKey(p + "next.crt")
                ? CertificateAuthority.recorded(secrets.get(p + "next.crt"), secrets.get(p + "next.key")) : null;
        return Optional.of(new EtcdPki(issuer, new IssuedCertificate(cert, key, caCert), trusted, phase, next));
    }

    /** This PKI as state secrets; {@link #clearSecrets} first removes what an earlier phase left. */
    public Map<String, String> toSecrets(String cluster) {
        String p = prefix(cluster);
        Map<String, String> m = new HashMap<>();
        m.put(p + "ca.crt", issuer.certificatePem());
        m.put(p + "ca.key", issuer.privateKeyPem());
        m.put(p + "client.crt", client.certificatePem());
        m.put(p + "client.key", client.privateKeyPem());
        for (int i = 0; i < trusted.size(); i++) {
            m.put(p + "trust." + i, trusted.get(i));
        }
        m.put(p + "phase", phase.name());
        if (next != null) {
            m.put(p + "next.crt", next.certificatePem());
            m.put(p + "next.key", next.privateKeyPem());
        }
        return m;
    }

    /** The secrets without any of this cluster's PKI entries. */
    public static Map<String, String> clearSecrets(Map<String, String> secrets, String cluster) {
        String p = prefix(cluster);
        Map<String, String> m = new HashMap<>(secrets);
        m.keySet().removeIf(k -> k.startsWith(p));
        return m;
    }

    private static String prefix(String cluster) {
        return "pki/" + cluster + "/";
    }

    /** A member's certificate, good for serving clients and peers and for dialling peers. */
    public IssuedCertificate issueMember(String name, String ip) {
        return issuer.issue(name, List.of(name, "localhost"), List.of(ip, "127.0.0.1"), Set.of(Usage.SERVER, Usage.CLIENT), CERT_VALIDITY);
    }

    public SSLContext clientContext() {
        return PemKeyStores.sslContext(client, trustBundle());
    }

    /** Client files for users ({@code etcdctl --cacert --cert --key}); the key is readable by its owner only. */
    public ClientFiles writeClientFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        ClientFiles files = new ClientFiles(dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"));
        Files.writeString(files.ca(), trustBundle());
        Files.writeString(files.cert(), client.certificatePem());
        Files.deleteIfExists(files.key());
        Files.createFile(files.key(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(files.key(), client.privateKeyPem(), StandardOpenOption.TRUNCATE_EXISTING);
        return files;
    }

    /** Where a cluster's client material is written: {@code .drover/pki/CLUSTER/} next to the herd file. */
    public static ClientFiles clientFiles(Path workDir, String cluster) {
        Path dir = workDir.resolve("pki").resolve(cluster);
        return new ClientFiles(dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    public record ClientFiles(Path ca, Path cert, Path key) {}


    @Override
    public String toString() {
        return "EtcdPki[issuer=" + issuer.fingerprint() + ", phase=" + phase + "]";
    }
}
