package io.drover.render.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real JDK TLS between a server and clients whose contexts come from PEMs issued by the CA. */
class TlsHandshakeTest {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final CertificateAuthority ca = CertificateAuthority.generate("herd CA", Duration.ofDays(1));
    private final IssuedCertificate server = ca.issue("etcd-1", List.of("localhost"), List.of("127.0.0.1"),
            Set.of(Usage.SERVER), Duration.ofDays(1));
    private final IssuedCertificate client = ca.issue("drover", List.of(), List.of(), Set.of(Usage.CLIENT), Duration.ofDays(1));
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopServer() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void mutualTlsHandshakeSucceedsWithIssuedCertificates() throws Exception {
        try (SSLServerSocket listener = listen(PemKeyStores.sslContext(server))) {
            CompletableFuture<String> seenByServer = serveOnce(listener);

            try (SSLSocket socket = connect(PemKeyStores.sslContext(client), listener)) {
                socket.getOutputStream().write('x');
                socket.getOutputStream().flush();
                assertThat(socket.getInputStream().read()).isEqualTo('y');
                assertThat(socket.getSession().getPeerPrincipal().getName()).isEqualTo("CN=etcd-1");
            }
            assertThat(seenByServer.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo("CN=drover");
        }
    }

    @Test
    void serverRefusesClientWithoutCertificate() throws Exception {
        try (SSLServerSocket listener = listen(PemKeyStores.sslContext(server))) {
            CompletableFuture<String> seenByServer = serveOnce(listener);

            try (SSLSocket socket = connect(PemKeyStores.sslContext(client.caCertificatePem()), listener)) {
                // With TLS 1.3 the client may finish its side first and learn of the refusal on its first read.
                assertThatThrownBy(() -> {
                    socket.startHandshake();
                    socket.getOutputStream().write('x');
                    socket.getOutputStream().flush();
                    socket.getInputStream().read();
                }).isInstanceOf(IOException.class);
            }
            assertThatThrownBy(() -> seenByServer.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void clientRefusesServerFromAnotherCa() throws Exception {
        CertificateAuthority stranger = CertificateAuthority.generate("stranger CA", Duration.ofDays(1));
        IssuedCertificate impostor = stranger.issue("etcd-1", List.of("localhost"), List.of("127.0.0.1"),
                Set.of(Usage.SERVER), Duration.ofDays(1));
        try (SSLServerSocket listener = listen(PemKeyStores.sslContext(impostor))) {
            serveOnce(listener);

            try (SSLSocket socket = connect(PemKeyStores.sslContext(client), listener)) {
                assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    @Test
    void clientRefusesServerCertificateForAnotherName() throws Exception {
        IssuedCertificate elsewhere = ca.issue("etcd-2", List.of("etcd-2.herd"), List.of("10.0.0.2"),
                Set.of(Usage.SERVER), Duration.ofDays(1));
        try (SSLServerSocket listener = listen(PemKeyStores.sslContext(elsewhere))) {
            serveOnce(listener);

            try (SSLSocket socket = connect(PemKeyStores.sslContext(client), listener)) {
                assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    private static SSLServerSocket listen(SSLContext context) throws IOException {
        SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        listener.setSoTimeout(TIMEOUT_MILLIS);
        return listener;
    }

    /** Accepts one connection, answers 'x' with 'y', and yields the client's certificate subject. */
    private CompletableFuture<String> serveOnce(SSLServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.startHandshake();
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                if (in.read() == 'x') {
                    out.write('y');
                    out.flush();
                }
                return socket.getSession().getPeerPrincipal().getName();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** Connects to 127.0.0.1 and checks the server's name as HTTPS clients do (etcd clients check it too). */
    private static SSLSocket connect(SSLContext context, SSLServerSocket listener) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        socket.setSoTimeout(TIMEOUT_MILLIS);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }
}
