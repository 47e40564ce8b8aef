package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.ProviderFactory;
import io.drover.spi.UserData;
import io.drover.testkit.MemoryCloud.Fault;
import io.drover.testkit.MemoryCloud.Operation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The in-memory provider keeps the provider contract, so engine tests on it mean something. */
class MemoryProviderContractTest extends ProviderContract {
    final MemoryCloud cloud = cloud();

    MemoryCloud cloud() {
        return MemoryCloud.create();
    }

    @Override
    protected ProviderFactory factory() {
        return new MemoryProviderFactory(cloud);
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of();
    }

    @Override
    protected String image() {
        return "base";
    }

    @Override
    protected UserDataTemplate userData() {
        return new UserDataTemplate(UserData.CLOUD_INIT, "#cloud-config\n# {{name}} at {{ip}}\n");
    }

    @Override
    protected void killBehindTheProvidersBack(Instance server) {
        cloud.setStatus(server.name(), Instance.Status.STOPPED);
    }

    @Override
    protected String unknownServerId() {
        return "m-never";
    }

    @Override
    protected Object bootIdentity(Instance server) {
        return cloud.reboots(server.name());
    }

    @Override
    protected void causeDrift(Instance server) {
        cloud.drift(server.name(), "/etc/motd changed by hand");
    }

    @Override
    protected void assertNothingLeftOf(String name) {
        assertThat(cloud.server(name)).isEmpty();
        assertThat(cloud.reservations(herd())).doesNotContain(name);
    }

    @Override
    protected Duration settleTimeout() {
        return Duration.ZERO;
    }

    /** The run is "killed" by an injected crash: the create throws {@link MemoryCloud.SimulatedCrash} where it would have died. */
    @Override
    protected void createAndKill(LaunchRequest request, KillPoint when) throws Exception {
        Fault crash = Fault.on(Operation.CREATE).target(request.name());
        cloud.inject(when == KillPoint.WHILE_RENDERING ? crash.crashWhileRendering(Instance.Status.STOPPED) : crash.crashAfterCreate());
        assertThatThrownBy(() -> open(herd()).create(request)).isInstanceOf(MemoryCloud.SimulatedCrash.class);
    }

}
