package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.drover.provider.openstack.FaultProxy;
import io.drover.provider.openstack.FaultProxy.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The retry rules of {@link RestClient}, with {@link FaultProxy} in front of a small JSON service that counts
 * what really reached it. (The same rules are exercised against the real cloud in the integration tests.)
 */
class RestClientRetryTest {
    private HttpServer upstream;
    private FaultProxy proxy;
    private RestClient client;
    private final AtomicInteger created = new AtomicInteger();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        upstream.createContext("/things", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String body;
                int status;
                if (exchange.getRequestMethod().equals("POST")) {
                    created.incrementAndGet();
                    status = 201;
                    body = "{\"thing\": {\"id\": \"t" + created.get() + "\"}}";
                } else {
                    status = 200;
                    body = "{\"things\": " + created.get() + "}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        upstream.start();
        proxy = FaultProxy.start(List.of(upstreamUri("/")), FaultProxy.Plan.none());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));
        client = new RestClient(http, policy, Duration.ofSeconds(10), pauses::add, new Random(3), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
        upstream.stop(0);
    }

    @Test
    void getIsRetriedThroughDroppedConnectionsAnd503() {
        proxy.injectNext(Fault.DROP_BEFORE, Fault.STATUS_503, Fault.DROP_AFTER);

        ApiResponse response = client.send(ApiCall.of("GET", proxied("/things")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(proxy.requests()).isEqualTo(4);
        // The JDK client itself re-sends an idempotent request once when the connection closes under it;
        // our policy paused at least for the 503.
        assertThat(pauses).isNotEmpty();
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheAskedDelay() {
        proxy.setPlan(new FaultProxy.Plan(0, List.of(), Duration.ZERO, 7, 0));
        proxy.injectNext(Fault.STATUS_429);

        ApiCall post = ApiCall.of("POST", proxied("/things")).withBody("application/json", "{}".getBytes(StandardCharsets.UTF_8));
        ApiResponse response = client.send(post);

        assertThat(response.status()).isEqualTo(201);
        assertThat(pauses).containsExactly(Duration.ofSeconds(7));
        assertThat(created).hasValue(1); // 429 means "not done": safe to repeat even a POST
    }

    @Test
    void postWithoutLookupIsNotRepeatedAfterA503() {
        proxy.injectNext(Fault.STATUS_503);

        ApiResponse response = client.send(ApiCall.of("POST", proxied("/things")));

        assertThat(response.status()).isEqualTo(503);
        assertThat(proxy.requests()).isEqualTo(1);
    }

    @Test
    void postWithoutLookupIsNotRepeatedWhenTheResponseIsLost() {
        proxy.injectNext(Fault.DROP_AFTER);

        assertThatThrownBy(() -> client.send(ApiCall.of("POST", proxied("/things"))))
                .isInstanceOf(OpenStackException.class)
                .hasMessageContaining("not retried");
        assertThat(created).hasValue(1);
    }

    @Test
    void lostResponseOfACreateIsResolvedByLookupInsteadOfADuplicate() {
        proxy.injectNext(Fault.DROP_AFTER);
        AtomicInteger lookups = new AtomicInteger();
        ApiCall post = ApiCall.of("POST", proxied("/things")).withLookup(() -> {
            lookups.incrementAndGet();
            return created.get() > 0 ? Optional.of(OpenStackJson.MAPPER.readTree("{\"thing\": {\"id\": \"found\"}}")) : Optional.empty();
        });

        JsonNode result = client.send(post).json();

        assertThat(result.at("/thing/id").asString()).isEqualTo("found");
        assertThat(created).hasValue(1);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void createWhoseLookupFindsNothingIsRepeated() {
        proxy.injectNext(Fault.STATUS_503);
        ApiCall post = ApiCall.of("POST", proxied("/things")).withLookup(Optional::empty);

        ApiResponse response = client.send(post);

        assertThat(response.status()).isEqualTo(201);
        assertThat(created).hasValue(1);
    }

    @Test
    void refusedConnectionsAreRetriedThenReportedWithoutSecrets() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ApiCall call = ApiCall.of("POST", URI.create("http://127.0.0.1:" + closedPort + "/v3/auth/tokens"))
                .withHeader("X-Auth-Token", "tok-secret")
                .withBody("application/json", "{\"password\": \"pw-secret\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.send(call))
                .isInstanceOf(OpenStackException.class)
                .hasMessageContaining("after 4 attempts")
                .hasMessageContaining("/v3/auth/tokens")
                .satisfies(e -> assertThat(((OpenStackException) e).retryable()).isTrue())
                .message().doesNotContain("tok-secret").doesNotContain("pw-secret");
        assertThat(pauses).hasSize(3);
    }

    private URI upstreamUri(String path) {
        return URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + path);
    }

    private URI proxied(String path) {
        return proxy.uriFor(upstreamUri(path));
    }
}
