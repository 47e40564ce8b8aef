package io.drover.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-member etcd for tests and benchmarks: Debian's {@code /usr/bin/etcd} on a loopback address and free
 * ports, its data in a directory of the caller's, stopped (SIGKILL) on close or when this JVM exits. Optionally
 * with TLS for clients, and client certificate auth.
 */
public final class EtcdServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** Server TLS: its certificate and key, and the CA clients' certificates must come from (or null: no client auth). */
    public record Tls(Path cert, Path key, Path clientCa) {}

    private final Process process;
    private final String endpoint;
    private final Path log;
    private final Thread killer;

    private EtcdServer(Process process, String endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, "etcd-killer-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Plain HTTP on 127.0.0.1 and two free ports. */
    public static EtcdServer start(Path dir) {
        return start(dir, "127.0.0.1", null);
    }

    /**
     * @param dir where the data and the log go
     * @param ip a loopback address to listen on
     * @param tls server TLS for clients, or null for http
     */
    public static EtcdServer start(Path dir, String ip, Tls tls) {
        try {
            Files.createDirectories(dir);
            int clientPort = freePort(ip);
            int peerPort = freePort(ip);
            String scheme = tls == null ? "http" : "https";
            String client = scheme + "://" + ip + ":" + clientPort;
            String peer = "http://" + ip + ":" + peerPort;
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcd", "--name", "state", "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "state=" + peer,
                    "--logger", "zap", "--log-level", "warn"));
            if (tls != null) {
                cmd.addAll(List.of("--cert-file", tls.cert().toString(), "--key-file", tls.key().toString()));
                if (tls.clientCa() != null) {
                    cmd.addAll(List.of("--client-cert-auth", "--trusted-ca-file", tls.clientCa().toString()));
                }
            }
            Path log = dir.resolve("etcd.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            EtcdServer server = new EtcdServer(p, client, log);
            server.awaitReady(ip, clientPort, tls == null);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(String ip, int port, boolean http) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("etcd exited at start (" + process.exitValue() + "): " + logText());
                }
                try {
                    if (http) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                            return;
                        }
                    } else {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(ip, port), 500);
                            return;
                        }
                    }
                } catch (IOException e) {
                    // not up yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("etcd did not become healthy within " + START_TIMEOUT + ": " + logText());
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
    }
}
