package io.drover.apply;

import io.drover.plan.Change;
import io.drover.render.FirstBoot;
import io.drover.roles.ClusterRole;
import io.drover.spi.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A role's join, with a progress line if joining a running cluster one change at a time (etcd) takes more than
 * {@link #AFTER}: etcd refuses a new member until its leader has seen every voter active for 5 s
 * (strict-reconfig-check), so the create after a member just joined stalls that long, and a silent stall looks hung.
 */
final class JoinNotice {
    /** A join still waiting after this is said to wait. */
    static final Duration AFTER = Duration.ofSeconds(1);

    private JoinNotice() {}

    static FirstBoot join(EventSink events, Change change, String name, ClusterRole role, Endpoint endpoint, ClusterRole.Peers peers)
            throws Exception {
        if (peers.bootstrap() != null || peers.live().isEmpty() || !role.serialMembershipChanges()) {
            return role.join(endpoint, peers);
        }
        var notice = CompletableFuture.runAsync(() -> events.emit(new Event.Progress(change.resource(),
                "waiting for the cluster to accept " + name + ": etcd takes a new member only once its leader has seen every"
                        + " member active for 5 s (strict-reconfig-check)")),
                CompletableFuture.delayedExecutor(AFTER.toMillis(), TimeUnit.MILLISECONDS));
        try {
            return role.join(endpoint, peers);
        } finally {
            notice.cancel(false);
        }
    }
}
