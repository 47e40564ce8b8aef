package io.drover.render.ignition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IgnitionVersionTest {
    @Test
    void parsesShortAndFullForms() {
        assertThat(IgnitionVersion.parse("3.2")).isEqualTo(IgnitionVersion.V3_2);
        assertThat(IgnitionVersion.parse("3.2.0")).isEqualTo(IgnitionVersion.V3_2);
        assertThat(IgnitionVersion.parse(" 3.0 ")).isEqualTo(IgnitionVersion.V3_0);
    }

    @Test
    void defaultsToNewestSupported() {
        assertThat(IgnitionVersion.DEFAULT).isEqualTo(IgnitionVersion.V3_3);
        assertThat(new IgnitionRenderer().version()).isEqualTo(IgnitionVersion.V3_3);
    }

    @Test
    void rejectsUnsupportedVersionListingSupportedOnes() {
        assertThatThrownBy(() -> IgnitionVersion.parse("2.3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unsupported Ignition spec version \"2.3\": use one of 3.0.0, 3.1.0, 3.2.0, 3.3.0.");
    }
}
