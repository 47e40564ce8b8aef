package io.drover.provider.openstack.client;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * An authenticated session: keeps a token, renews it before it expires, and sends calls with it. A call that
 * is answered 401 (the token was revoked or expired early) is sent once more with a fresh token.
 * Thread-safe: the engine calls providers from several threads.
 */
public final class OpenStackSession implements AutoCloseable {
    private final CloudConfig config;
    private final RestClient rest;
    private final KeystoneAuthenticator authenticator;
    private final Clock clock;
    private Token token; // guarded by this

    public OpenStackSession(CloudConfig config, RestClient rest, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.rest = Objects.requireNonNull(rest, "rest");
        this.authenticator = new KeystoneAuthenticator(config, rest);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public CloudConfig config() {
        return config;
    }

    /** The current token, authenticating first if there is none or it is about to expire. */
    public synchronized Token token() {
        if (token == null || token.needsRenewal(clock.instant())) {
            token = authenticator.authenticate();
        }
        return token;
    }

    private synchronized Token renewAfterRejection(Token rejected) {
        if (token == rejected) {
            token = authenticator.authenticate();
        }
        return token;
    }

    /** The base URL of a service (catalog type {@code compute}, {@code image}, {@code network}, ...). */
    public URI endpoint(String serviceType) {
        return token().catalog().url(serviceType, config.interfaceName(), config.region());
    }

    /** Sends a call with the session's token; returns the response whatever its status. */
    public ApiResponse send(ApiCall call) {
        Token current = token();
        ApiResponse response = rest.send(call.withHeader("X-Auth-Token", current.value()));
        if (response.status() == 401) {
            Token fresh = renewAfterRejection(current);
            response = rest.send(call.withHeader("X-Auth-Token", fresh.value()));
        }
        return response;
    }

    @Override
    public void close() {
        rest.close();
    }

    @Override
    public String toString() {
        return "OpenStackSession[" + config.name() + "]";
    }
}
