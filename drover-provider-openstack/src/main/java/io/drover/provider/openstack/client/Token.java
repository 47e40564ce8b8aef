package io.drover.provider.openstack.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A Keystone token: the secret value (never printed), when it expires, and what it unlocks. */
public record Token(String value, Instant issuedAt, Instant expiresAt, String projectId, ServiceCatalog catalog) {

    public Token {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Whether to get a new token before using this one at {@code now}: within five minutes of expiry, or in the
     * last tenth of a shorter lifetime, so that a request sent now does not reach the services with a dead token.
     */
    public boolean needsRenewal(Instant now) {
        Duration lifetime = issuedAt == null ? Duration.ofHours(1) : Duration.between(issuedAt, expiresAt);
        Duration margin = lifetime.dividedBy(10);
        if (margin.compareTo(Duration.ofMinutes(5)) > 0) {
            margin = Duration.ofMinutes(5);
        }
        return !now.plus(margin).isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "Token[expiresAt=" + expiresAt + ", projectId=" + projectId + ", value=****]";
    }
}
