package io.drover.backup;

import io.drover.roles.EtcdPki;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** gRPC clients of one etcd member (jetcd), with the cluster's client identity when it runs mutual TLS. */
public final class EtcdClients {
    /** Every key: the range from {@code \0} to the end of the key space. */
    static final ByteSequence ALL = ByteSequence.from(new byte[] {0});

    private EtcdClients() {}

    /**
     * A client of one member only: a snapshot or a watch is one member's view, and TLS names are checked against that
     * member's address.
     *
     * @param pki the cluster's PKI, or null for plain http
     */
    public static Client of(String clientUrl, EtcdPki pki) throws BackupException {
        ClientBuilder b = Client.builder().endpoints(clientUrl).connectTimeout(Duration.ofSeconds(3))
                // a full snapshot arrives in 32 KiB chunks; values are up to etcd's 1.5 MiB request limit
                .maxInboundMessageSize(64 * 1024 * 1024);
        if (pki != null) {
            try {
                b.sslContext(ssl -> ssl.trustManager(stream(pki.trustBundle()))
                        .keyManager(stream(pki.client().certificatePem()), stream(pki.client().privateKeyPem())));
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new BackupException.Unreachable("cannot use the cluster's client certificate: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
