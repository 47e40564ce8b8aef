package io.drover.apply;

import io.drover.plan.ClusterTemplate;
import io.drover.render.FirstBoot;
import io.drover.spi.Endpoint;
import io.drover.spi.UserData;
import io.drover.state.State;

/** Turns a server's first-boot config into the user data its image reads, with templates resolved. */
@FunctionalInterface
public interface Launcher {
    /**
     * @param roleAdditions what the cluster's role adds (etcd member config)
     * @param state the state at launch time (for references to other servers)
     */
    UserData userData(ClusterTemplate template, Endpoint self, int slot, FirstBoot roleAdditions, State state) throws Exception;
}
