package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.NovaClient.ServerQuery;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServerQueryTest {

    @Test
    void exactNameQueryMatchesOnlyThatName() {
        String regex = ServerQuery.named("web.1+(a)").nameRegex();
        assertThat(Pattern.matches(regex, "web.1+(a)")).isTrue();
        assertThat(Pattern.matches(regex, "webx1+(a)")).isFalse();
        assertThat(Pattern.matches(regex, "web.1+(a)-2")).isFalse();
        assertThat(regex).doesNotContain("\\Q"); // Nova's regex engines do not know Java's quoting
    }

    @Test
    void queryStringEncodesNameAndTags() {
        assertThat(ServerQuery.named("etcd-0").toQueryString()).isEqualTo("?name=%5Eetcd-0%24");
        assertThat(ServerQuery.tagged("drover-herd=prod").toQueryString()).isEqualTo("?tags=drover-herd%3Dprod");
    }
}
