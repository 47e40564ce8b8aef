package io.drover.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.state.ServerRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A server's view names its access address only when clients reach it elsewhere than on its peer address. */
class ServerViewAddressTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final ServerRecord WEB = new ServerRecord("web[0]", "web", 0, 1, "web-0-1", "i-0", "10.0.0.1", "sha256:a",
            "sha256:b", null, false, Map.of());

    @Test
    void aServerWithAFloatingAddressShowsBothItsAddresses() {
        ServerView view = HerdViews.recorded(WEB.withAccessIp("203.0.113.1"), null, null).build();

        assertThat(view.address()).isEqualTo("10.0.0.1");
        assertThat(view.accessAddress()).isEqualTo("203.0.113.1");
        assertThat(MAPPER.writeValueAsString(view)).contains("\"address\":\"10.0.0.1\"").contains("\"accessAddress\":\"203.0.113.1\"");
    }

    @Test
    void aServerReachedOnItsPeerAddressShowsOnlyThatOne() {
        ServerView view = HerdViews.recorded(WEB.withAccessIp("10.0.0.1"), null, null).build();

        assertThat(view.accessAddress()).isNull();
        assertThat(MAPPER.writeValueAsString(view)).contains("\"address\":\"10.0.0.1\"").doesNotContain("accessAddress");
    }
}
