package io.drover.state.etcd;

import io.drover.config.StateSettings;
import io.drover.state.StateBackend;
import io.drover.state.StateCodec;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code state: {backend: etcd, ...}}: opens an {@link EtcdStateStore} with a jetcd client for the endpoints. */
public final class EtcdStateBackend implements StateBackend {

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public StateStore open(StateSettings settings, String herd, StateCodec codec) throws StateException {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints())
                .connectTimeout(Duration.ofSeconds(3))
                // Chunks are 1 MiB; a little room for the envelope and gRPC framing.
                .maxInboundMessageSize(8 * 1024 * 1024);
        StateSettings.Tls tls = settings.tls();
        if (tls != null) {
            for (Path p : new Path[] {tls.ca(), tls.cert(), tls.key()}) {
                if (p != null && !Files.isReadable(p)) {
                    throw new StateException("the etcd TLS file " + p + " (state.tls) does not exist or is not readable");
                }
            }
            try {
                builder.sslContext(ssl -> {
                    if (tls.ca() != null) {
                        ssl.trustManager(tls.ca().toFile());
                    }
                    if (tls.cert() != null) {
                        ssl.keyManager(tls.cert().toFile(), tls.key().toFile());
                    }
                });
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new StateException("cannot use the etcd TLS files (state.tls): " + e.getMessage()
                        + " (PEM certificates, and a PKCS#8 PEM key)", e);
            }
        }
        String where = "etcd " + String.join(",", settings.endpoints().stream().map(Object::toString).toList()) + " "
                + settings.prefixFor(herd) + "/state";
        return new EtcdStateStore(builder.build(), settings.prefixFor(herd), settings.lockTtl(), codec, where);
    }
}
