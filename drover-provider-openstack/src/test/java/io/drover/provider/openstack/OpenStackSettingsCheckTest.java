package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.spi.SettingProblem;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code drover validate} finds in OpenStack settings without a cloud. */
class OpenStackSettingsCheckTest {
    private final OpenStackProviderFactory factory = new OpenStackProviderFactory();

    @Test
    void acceptsTheDefaultsAndSensibleValues() {
        assertThat(factory.validate(Map.of("network", "private", "bootTimeout", Duration.ofMinutes(10)))).isEmpty();
        assertThat(factory.validateCluster(Map.of("flavor", "m1.small", "serverGroupPolicy", "soft-anti-affinity",
                "securityGroupCidr", "10.0.0.0/24"))).isEmpty();
        assertThat(factory.validateCluster(Map.of("securityGroupCidr", "2001:db8::/64"))).isEmpty();
    }

    @Test
    void refusesAZeroBootTimeout() {
        assertThat(factory.validate(Map.of("bootTimeout", Duration.ZERO))).extracting(SettingProblem::key).containsExactly("bootTimeout");
    }

    @Test
    void refusesAnUnknownServerGroupPolicy() {
        assertThat(factory.validateCluster(Map.of("serverGroupPolicy", "affinity"))).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("serverGroupPolicy");
            assertThat(p.message()).isEqualTo("unknown policy 'affinity'");
            assertThat(p.hint()).isEqualTo("use anti-affinity or soft-anti-affinity");
        });
    }

    @Test
    void refusesWhatIsNoCidrBlock() {
        for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "10.0.0/24", "256.0.0.0/8", "example.org/24", "2001:db8::/129", "::g/64"}) {
            assertThat(factory.validateCluster(Map.of("securityGroupCidr", bad))).as(bad).extracting(SettingProblem::key)
                    .containsExactly("securityGroupCidr");
        }
    }
}
