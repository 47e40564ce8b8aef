package io.drover.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The decision every request of the web view goes through, before anything is read. */
class AccessTest {
    private static final String TOKEN = "s3cret-token-0123456789abcdef";
    private final Access loopback = new Access(null, 9478);
    private final Access withToken = new Access(AccessToken.of(TOKEN, "test"), 9478);

    private static Access.Request request(String path, String query, String host, String authorization, String cookie) {
        return new Access.Request(path, query, host, authorization, cookie);
    }

    @Test
    void onLoopbackWithoutATokenLoopbackHostNamesAreServed() {
        for (String host : new String[] {"127.0.0.1:9478", "localhost:9478", "LOCALHOST", "[::1]:9478", "127.0.0.2"}) {
            assertThat(loopback.decide(request("/api/herd", null, host, null, null))).as(host).isInstanceOf(Access.Decision.Allow.class);
        }
    }

    @Test
    void onLoopbackAForeignHostNameIsRefusedSoDnsRebindingCannotReadTheHerd() {
        for (String host : new String[] {"evil.example:9478", "127.0.0.1.evil.example", "localhost.evil.example:9478", null}) {
            Access.Decision d = loopback.decide(request("/api/herd", null, host, null, null));
            assertThat(d).as(String.valueOf(host)).isInstanceOf(Access.Decision.Refuse.class);
            assertThat(((Access.Decision.Refuse) d).status()).isEqualTo(403);
        }
    }

    @Test
    void withATokenEveryRequestWithoutItIsRefused() {
        for (String path : new String[] {"/", "/app.js", "/api/herd", "/api/events", "/api/stream", "/nowhere"}) {
            Access.Decision d = withToken.decide(request(path, null, "127.0.0.1:9478", null, null));
            assertThat(d).as(path).isInstanceOf(Access.Decision.Refuse.class);
            assertThat(((Access.Decision.Refuse) d).status()).isEqualTo(401);
        }
    }

    @Test
    void wrongTokensAreRefusedWhereverTheyCome() {
        for (String wrong : new String[] {"", "s3cret", TOKEN + "x", TOKEN.toUpperCase(), " " + TOKEN + "x"}) {
            assertThat(withToken.decide(request("/", null, "h", "Bearer " + wrong, null))).as(wrong).isInstanceOf(Access.Decision.Refuse.class);
            assertThat(withToken.decide(request("/", null, "h", null, "drover_token_9478=" + wrong))).as(wrong).isInstanceOf(Access.Decision.Refuse.class);
            assertThat(withToken.decide(request("/", "token=" + wrong, "h", null, null))).as(wrong).isInstanceOf(Access.Decision.Refuse.class);
        }
        // A right token for another drover on another port of the same host is not this one's cookie.
        assertThat(withToken.decide(request("/", null, "h", null, "drover_token_9479=" + TOKEN))).isInstanceOf(Access.Decision.Refuse.class);
        // Two tokens in the URL, one right, one wrong: refused.
        assertThat(withToken.decide(request("/", "token=x&token=" + TOKEN, "h", null, null))).isInstanceOf(Access.Decision.Refuse.class);
    }

    @Test
    void theTokenIsAcceptedAsBearerOrAsTheViewsCookie() {
        assertThat(withToken.decide(request("/api/herd", null, "any.host", "Bearer " + TOKEN, null))).isInstanceOf(Access.Decision.Allow.class);
        assertThat(withToken.decide(request("/api/herd", null, "any.host", "bearer " + TOKEN, null))).isInstanceOf(Access.Decision.Allow.class);
        assertThat(withToken.decide(request("/api/stream", null, "any.host", null, "other=1; drover_token_9478=" + TOKEN + "; x=y")))
                .isInstanceOf(Access.Decision.Allow.class);
    }

    @Test
    void theTokenInTheUrlBecomesAnHttpOnlyCookieAndLeavesTheAddress() {
        Access.Decision d = withToken.decide(request("/", "token=" + TOKEN, "h", null, null));
        assertThat(d).isEqualTo(new Access.Decision.Remember("/", "drover_token_9478=" + TOKEN + "; Path=/; HttpOnly; SameSite=Strict"));
        Access.Decision kept = withToken.decide(request("/api/events", "since=1h&token=" + TOKEN + "&limit=5", "h", null, null));
        assertThat(((Access.Decision.Remember) kept).location()).isEqualTo("/api/events?since=1h&limit=5");
    }

    @Test
    void aTokenTooShortOrWithOddCharactersIsRejectedWithAHint() {
        assertThatThrownBy(() -> AccessToken.of("short", "the file t")).hasMessageContaining("the file t").hasMessageContaining("16 to 256");
        assertThatThrownBy(() -> AccessToken.of("with space inside the token", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AccessToken.of("semi;colon;breaks;cookies", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AccessToken.of("  " + TOKEN + "\n", "x").matches(TOKEN)).isTrue();
    }

    @Test
    void generatedTokensDifferAndAreNeverPrintedByToString() {
        AccessToken a = AccessToken.generate();
        AccessToken b = AccessToken.generate();
        assertThat(a.value()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(b.value());
        assertThat(a.matches(a.value())).isTrue();
        assertThat(a.matches(b.value())).isFalse();
        assertThat(a.matches(null)).isFalse();
        assertThat(a.toString()).doesNotContain(a.value());
    }
}
