package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTest {
    private static final Instant ISSUED = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void longLivedTokenIsRenewedFiveMinutesBeforeExpiry() {
        Token token = token(ISSUED.plusSeconds(24 * 3600));
        assertThat(token.needsRenewal(ISSUED.plusSeconds(24 * 3600 - 301))).isFalse();
        assertThat(token.needsRenewal(ISSUED.plusSeconds(24 * 3600 - 300))).isTrue();
    }

    @Test
    void shortLivedTokenIsRenewedInItsLastTenth() {
        Token token = token(ISSUED.plusSeconds(600));
        assertThat(token.needsRenewal(ISSUED.plusSeconds(539))).isFalse();
        assertThat(token.needsRenewal(ISSUED.plusSeconds(540))).isTrue();
    }

    @Test
    void toStringHidesTheTokenValue() {
        assertThat(token(ISSUED.plusSeconds(60)).toString()).doesNotContain("gAAAAsecret");
    }

    private static Token token(Instant expires) {
        return new Token("gAAAAsecret", ISSUED, expires, "p1", new ServiceCatalog(List.of()));
    }
}
