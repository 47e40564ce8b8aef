package io.drover.health;

import io.drover.config.Cluster;
import io.drover.config.HealthCheck;
import io.drover.spi.Instance;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Checks one server the way its cluster says: etcd ({@code GET /health}), HTTP, TCP or "the provider says it
 * runs". Refused means dead; a timeout means frozen or partitioned; both count as failures.
 */
public final class HealthProbe implements AutoCloseable {
    /** For plain HTTP checks, made on first use: a client without an SSL context of ours loads the JDK's CA store. */
    private HttpClient http; // guarded by this
    private final Map<String, HttpClient> tlsClients = new ConcurrentHashMap<>();
    private final Map<String, SSLContext> tls;

    /** A probe for clusters without TLS. */
    public HealthProbe() {
        this(Map.of());
    }

    /** @param tls per cluster name, the client identity for clusters that require mutual TLS (etcd by default) */
    public HealthProbe(Map<String, SSLContext> tls) {
        this.tls = Map.copyOf(tls);
    }

    private synchronized HttpClient plain() {
        if (http == null) {
            http = client(null);
        }
        return http;
    }

    private static HttpClient client(SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    private HttpClient clientFor(Cluster cluster) {
        SSLContext ssl = tls.get(cluster.name());
        return ssl == null ? plain() : tlsClients.computeIfAbsent(cluster.name(), k -> client(ssl));
    }

    public Health check(Cluster cluster, Instance instance) {
        HealthCheck hc = cluster.health();
        if (instance.status() != Instance.Status.RUNNING) {
            return new Health(Health.Status.DOWN, "the provider reports it " + instance.status().name().toLowerCase());
        }
        return switch (hc.type()) {
            case PROCESS -> Health.up();
            case TCP -> tcp(instance.ip(), hc.port(), hc.timeout());
            case HTTP -> http(plain(), URI.create("http://" + instance.ip() + ":" + hc.port() + hc.path()), hc.timeout(), null);
            case ETCD -> http(clientFor(cluster), URI.create(cluster.etcd().scheme() + "://" + instance.ip() + ":" + cluster.etcd().clientPort() + "/health"),
                    hc.timeout(), "\"health\":\"true\"");
        };
    }

    /** Whether something accepts TCP connections on {@code ip:port} (used to pace an etcd bootstrap). */
    public static boolean answers(String ip, int port, Duration timeout) {
        return tcp(ip, port, timeout).isUp();
    }

    static Health tcp(String ip, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            return Health.up();
        } catch (SocketTimeoutException e) {
            return new Health(Health.Status.TIMEOUT, "no answer on " + ip + ":" + port + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Health(Health.Status.DOWN, "nothing listens on " + ip + ":" + port);
        }
    }

    private static Health http(HttpClient client, URI uri, Duration timeout, String mustContain) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                return new Health(Health.Status.SICK, uri + " answered " + r.statusCode());
            }
            if (mustContain != null && !r.body().replace(" ", "").contains(mustContain)) {
                return new Health(Health.Status.SICK, uri + " answered " + r.body().strip());
            }
            return Health.up();
        } catch (HttpTimeoutException e) {
            return new Health(Health.Status.TIMEOUT, "no answer from " + uri + " within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Health(Health.Status.DOWN, "connection to " + uri + " refused");
        } catch (IOException e) {
            return new Health(Health.Status.DOWN, uri + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(Health.Status.TIMEOUT, "interrupted");
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        tlsClients.values().forEach(HttpClient::close);
    }
}
