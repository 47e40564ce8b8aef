package io.drover.engine;

import io.drover.apply.Launcher;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Template;
import io.drover.plan.ClusterTemplate;
import io.drover.render.FirstBoot;
import io.drover.render.cloudinit.CloudInitRenderer;
import io.drover.render.ignition.IgnitionRenderer;
import io.drover.render.ignition.IgnitionVersion;
import io.drover.spi.Endpoint;
import io.drover.spi.UserData;
import io.drover.state.State;

/** Renders a server's user data: the cluster's first-boot config plus its role's, templates resolved. */
final class UserDataLauncher implements Launcher {
    private final Herd herd;
    private final IgnitionRenderer ignition = new IgnitionRenderer(IgnitionVersion.V3_3);
    private final CloudInitRenderer cloudInit = new CloudInitRenderer();

    UserDataLauncher(Herd herd) {
        this.herd = herd;
    }

    @Override
    public UserData userData(ClusterTemplate template, Endpoint self, int slot, FirstBoot roleAdditions, State state) throws Exception {
        Cluster c = template.cluster();
        var scope = TemplateScope.server(herd, c, self, slot, state);
        FirstBoot resolved = c.firstBoot().mapStrings(s -> Template.resolve(s, scope)).plus(roleAdditions);
        return switch (c.userData()) {
            case IGNITION -> new UserData(UserData.IGNITION, ignition.render(resolved));
            case CLOUD_INIT -> new UserData(UserData.CLOUD_INIT, cloudInit.render(resolved));
        };
    }
}
