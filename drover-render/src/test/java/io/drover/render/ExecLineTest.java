package io.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecLineTest {
    @Test
    void plainWordsStayAsTheyAre() {
        assertThat(ExecLine.word("--data-dir=%S/etcd")).isEqualTo("--data-dir=%S/etcd");
        assertThat(ExecLine.literal("http://127.0.0.2:2379,http://127.0.0.3:2379")).isEqualTo("http://127.0.0.2:2379,http://127.0.0.3:2379");
    }

    @Test
    void literalsEscapeSpecifiersAndVariablesAndQuoteWhatSystemdWouldSplit() {
        assertThat(ExecLine.literal("50%")).isEqualTo("50%%");
        assertThat(ExecLine.literal("$HOME")).isEqualTo("$$HOME");
        assertThat(ExecLine.literal("a b")).isEqualTo("\"a b\"");
        assertThat(ExecLine.literal("say \"hi\" \\o/ 'now'")).isEqualTo("\"say \\\"hi\\\" \\\\o/ 'now'\"");
        assertThat(ExecLine.literal(";")).isEqualTo("\";\"");
        assertThat(ExecLine.literal("")).isEqualTo("\"\"");
    }

    @Test
    void refusesControlCharactersThatWouldEndTheLine() {
        assertThatThrownBy(() -> ExecLine.literal("100\nExecStartPre=/bin/touch /tmp/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a command line argument cannot hold the control character U+000A: 100?ExecStartPre=/bin/touch /tmp/x");
    }
}
