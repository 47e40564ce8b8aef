package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.spi.SettingProblem;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderFactoryTest {
    @TempDir
    Path tempDir;

    @Test
    void isFoundByServiceLoaderAsLocal() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(factory -> assertThat(factory.type()).isEqualTo("local"));
    }

    @Test
    void declaresItsSettings() {
        assertThat(new LocalProviderFactory().settings()).extracting(Setting::name).containsExactly("addresses", "root", "java");
        assertThat(new LocalProviderFactory().settings().get(0).defaultValue()).isEqualTo("127.0.0.2-127.0.0.254");
        assertThat(new LocalProviderFactory().clusterSettings()).isEmpty();
    }

    @Test
    void rejectsAddressesOutsideLoopback() {
        ProviderContext context = new ProviderContext("h", Map.of("addresses", "192.168.1.0/24"), tempDir.resolve(".drover"), Map.of());

        assertThatThrownBy(() -> new LocalProviderFactory().open(context))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("provider.addresses: invalid addresses '192.168.1.0/24': ");
    }

    @Test
    void validateFindsWhatOpenWouldRefuseWithoutTouchingTheMachine() {
        LocalProviderFactory factory = new LocalProviderFactory();

        assertThat(factory.validate(Map.of("addresses", "127.0.0.2-127.0.0.254"))).isEmpty();
        assertThat(factory.validate(Map.of("addresses", "10.0.0.0/8"))).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("addresses");
            assertThat(p.message()).isEqualTo("10.0.0.1-10.255.255.254 is not inside 127.0.0.0/8");
            assertThat(p.hint()).startsWith("write a range like 127.0.0.2-127.0.0.254");
        });
        assertThat(factory.validate(Map.of("addresses", "127.0.0.0/33"))).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("prefix /33 must be between /8 and /32"));
        assertThat(factory.validate(Map.of("addresses", "127.0.0.0/8"))).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo(
                        "127.0.0.1-127.255.255.254 has 16777214 addresses, more than the 65536 (a /16) the local provider uses"));
        assertThat(factory.validate(Map.of("addresses", "127.0.0.0/x"))).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("'/x' is not a prefix length"));
        assertThat(factory.validate(Map.of("addresses", "127.0.0.2", "root", "/"))).extracting(SettingProblem::key).containsExactly("root");
        assertThat(factory.validate(Map.of("addresses", "127.0.0.2", "root", "~/servers"))).extracting(SettingProblem::key).containsExactly("root");
        assertThat(factory.validate(Map.of("addresses", "127.0.0.2", "root", "../shared/servers"))).isEmpty();
    }

    @Test
    void defaultsRootToTheWorkDirAndLeasesToTheStateHome() throws ProviderException {
        ProviderContext context = new ProviderContext("h", Map.of(), tempDir.resolve(".drover"), Map.of("HOME", "/home/u"));

        LocalSettings settings = LocalSettings.from(context);

        assertThat(settings.root()).isEqualTo(tempDir.resolve(".drover/local"));
        assertThat(settings.leases()).isEqualTo(Path.of("/home/u/.local/state/drover/local-leases"));
        assertThat(settings.herdDir()).isEqualTo(tempDir);
        assertThat(LocalSettings.leaseDirectory(Map.of("XDG_STATE_HOME", "/state", "HOME", "/home/u")))
                .isEqualTo(Path.of("/state/drover/local-leases"));
        assertThat(LocalSettings.leaseDirectory(Map.of("DROVER_LOCAL_LEASES", "/l"))).isEqualTo(Path.of("/l"));
    }
}
