package io.drover.provider.openstack.client;

import io.drover.retry.Sleeper;
import io.drover.spi.Failures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;

/**
 * Sends {@link ApiCall}s with a time-out each, and retries what may be retried (see {@link RetryPolicy}):
 *
 * <ul>
 *   <li>connection refused / connect time-out: the request never left, so every call is retried;
 *   <li>429 Too Many Requests: the server refused the request before acting on it, so every call is retried,
 *       after the {@code Retry-After} it asked for;
 *   <li>5xx, a lost response, a read time-out: the outcome is unknown. Idempotent calls are retried; a creating
 *       POST is retried only after its {@link ApiCall#lookup()} found that nothing was created (and when it
 *       did find the thing, that is the result). A POST without lookup is not retried.
 * </ul>
 *
 * <p>Keystone behind uwsgi closes every connection after one response ({@code Connection: close}); the JDK
 * client then opens a new one, and a pooled connection that the server closed meanwhile surfaces as an
 * {@link IOException} that the rules above retry.
 */
public final class RestClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RestClient.class.getName());

    private final HttpClient http;
    private final RetryPolicy policy;
    private final Duration requestTimeout;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Clock clock;

    public RestClient(
            HttpClient http, RetryPolicy policy, Duration requestTimeout, Sleeper sleeper, RandomGenerator random, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A client with the default policy, a 60 s time-out per request and a 10 s connect time-out. */
    public static RestClient create(RetryPolicy policy) {
        HttpClient http = HttpClient.newBuilder()
                // HTTP/1.1 only: over cleartext the JDK would otherwise send an h2c upgrade that some
                // OpenStack WSGI servers answer badly.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return new RestClient(http, policy, Duration.ofSeconds(60), Sleeper.SYSTEM, RandomGenerator.getDefault(), Clock.systemUTC());
    }

    /**
     * Sends the call, retrying as described above. Returns the last response whatever its status (callers
     * decide what a 404 means); throws when no response could be had.
     */
    public ApiResponse send(ApiCall call) {
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = attempt(call);
            Optional<Duration> retryAfter = Optional.empty();
            if (outcome.response != null) {
                ApiResponse response = outcome.response;
                int status = response.status();
                if (status == 429) {
                    retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant());
                } else if (status >= 500 && status != 501) {
                    retryAfter = status == 503
                            ? RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant())
                            : Optional.empty();
                    if (!call.idempotent()) {
                        Optional<ApiResponse> found = lookupOrGiveUp(call);
                        if (found == null) {
                            return response;
                        }
                        if (found.isPresent()) {
                            return found.get();
                        }
                    }
                } else {
                    return response;
                }
                if (!policy.allowsRetryAfter(attempt)) {
                    return response;
                }
                LOG.fine(() -> call.describe() + " answered " + status + ", retrying");
            } else {
                IOException failure = outcome.failure;
                boolean neverSent = failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException;
                if (!neverSent && !call.idempotent()) {
                    Optional<ApiResponse> found = lookupOrGiveUp(call);
                    if (found == null) {
                        throw transportFailure(call, failure,
                                " (not retried: the request may have reached the server and is not safe to repeat)");
                    }
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
                if (!policy.allowsRetryAfter(attempt)) {
                    throw transportFailure(call, failure, " after " + attempt + " attempts");
                }
                LOG.log(Level.FINE, () -> call.describe() + " failed (" + failure + "), retrying");
            }
            pause(policy.delayAfter(attempt, retryAfter, random));
        }
    }

    /** Empty: nothing was created, retry. Present: it was created, that is the answer. Null: cannot tell. */
    private static Optional<ApiResponse> lookupOrGiveUp(ApiCall call) {
        if (call.lookup() == null) {
            return null;
        }
        Optional<JsonNode> found = call.lookup().find();
        return found.map(ApiResponse::synthetic);
    }

    private Outcome attempt(ApiCall call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri())
                .timeout(requestTimeout)
                .method(call.method(), call.body());
        for (Map.Entry<String, String> header : call.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        if (!call.headers().containsKey("Accept")) {
            builder.header("Accept", "application/json");
        }
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Outcome(new ApiResponse(response.statusCode(), response.headers(), response.body()), null);
        } catch (IOException e) {
            return new Outcome(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenStackException(call.describe() + " was interrupted", 0, false, e);
        }
    }

    private void pause(Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenStackException("Interrupted while waiting to retry", 0, false, e);
        }
    }

    private static OpenStackException transportFailure(ApiCall call, IOException failure, String detail) {
        String reason = failure instanceof HttpTimeoutException
                ? "timed out"
                : "failed: " + Failures.message(failure);
        return new OpenStackException(call.describe() + " " + reason + detail
                + ". Check that the cloud is reachable and try again.", 0, true, failure);
    }

    @Override
    public void close() {
        http.close();
    }

    private record Outcome(ApiResponse response, IOException failure) {}
}
