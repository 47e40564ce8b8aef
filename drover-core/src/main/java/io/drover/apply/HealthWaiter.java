package io.drover.apply;

import io.drover.config.Cluster;
import io.drover.config.HealthCheck;
import io.drover.health.Health;
import io.drover.health.HealthProbe;
import io.drover.plan.ClusterTemplate;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.roles.ClusterRole;
import io.drover.spi.Failures;
import io.drover.spi.Instance;
import io.drover.spi.ProviderException;
import io.drover.state.ServerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Waits for servers an apply made or found: until they answer their health check (a stuck joined member restarted
 * on the way), or until a port answers.
 */
final class HealthWaiter {
    /**
     * How long a server that joined a live cluster may take to become healthy before its role is asked whether it is
     * stuck: an etcd member is promoted only once it has caught up, and by then it normally serves already.
     */
    static final Duration STUCK_AFTER = Duration.ofMillis(500);

    private final ApplySettings settings;
    private final Pools pools;

    HealthWaiter(ApplySettings settings, Pools pools) {
        this.settings = settings;
        this.pools = pools;
    }

    /**
     * Waits for a server a killed run created, for what is left of its start timeout (a health interval at least, so
     * that a plan made just before the deadline still looks once).
     */
    void awaitStarting(ClusterTemplate template, ServerRecord record) throws Exception {
        HealthCheck check = template.cluster().health();
        Instant deadline = record.createdAt() == null ? settings.clock().instant() : record.createdAt().plus(check.startTimeout());
        Duration left = Duration.between(settings.clock().instant(), deadline);
        awaitHealthy(template, record, ClusterRole.PLAIN, List.of(), left.compareTo(check.interval()) < 0 ? check.interval() : left);
    }

    void awaitHealthy(ClusterTemplate template, ServerRecord record) throws Exception {
        awaitHealthy(template, record, ClusterRole.PLAIN, List.of());
    }

    /**
     * Waits until the server answers its health check. A server that joined {@code live} members and is not healthy
     * after {@link #STUCK_AFTER} is looked at once by its role: if the role says it is stuck, its provider reboots it
     * (when it can do that quicker than the stall lasts).
     */
    void awaitHealthy(ClusterTemplate template, ServerRecord record, ClusterRole role, List<ServerRecord> live) throws Exception {
        awaitHealthy(template, record, role, live, template.cluster().health().startTimeout());
    }

    void awaitHealthy(ClusterTemplate template, ServerRecord record, ClusterRole role, List<ServerRecord> live, Duration patience)
            throws Exception {
        Cluster cluster = template.cluster();
        StateKeeper keeper = settings.keeper();
        settings.events().emit(new Event.Progress(record.resource(), "waiting for " + record.name() + " to become healthy"));
        Instance probe = new Instance(record.instanceId(), record.name(), record.ip(), Instance.Status.RUNNING, Map.of(), record.createdAt());
        Health[] last = {null};
        Instant lookAt = settings.clock().instant().plus(STUCK_AFTER);
        boolean[] looked = {live.isEmpty()};
        Duration pause = Duration.ofMillis(Math.min(200, Math.max(10, cluster.health().interval().toMillis())));
        Optional<Health> up = Retry.until(patience, new Backoff(pause, pause, Backoff.Jitter.NONE))
                .withTime(settings.clock(), settings.sleeper())
                .poll(() -> {
                    last[0] = settings.health().check(cluster, probe);
                    if (last[0].isUp()) {
                        return Optional.of(last[0]);
                    }
                    if (!looked[0] && !settings.clock().instant().isBefore(lookAt)) {
                        looked[0] = true;
                        unstick(role, record, live);
                    }
                    return Optional.empty();
                });
        if (up.isPresent()) {
            // Into the load balancer's pool before the record says it serves: a run killed in between finds it tainted,
            // waits for it again and adds it again (adding is idempotent), so a serving server is never left out.
            pools.join(template, record);
            if (record.tainted() || keeper.current().server(record.name()).map(ServerRecord::tainted).orElse(false)) {
                keeper.update(s -> s.server(record.name()).map(r -> s.with(r.tainted(false))).orElse(s));
            }
            return;
        }
        throw new ServerNotHealthyException(record.name(), cluster.health().startTimeout(), last[0] == null ? "none" : last[0].detail(),
                bootLog(record));
    }

    /** The last lines the server's services wrote: the cause of a member that exits at start is only there. */
    private List<String> bootLog(ServerRecord record) {
        try {
            Providers providers = settings.providers();
            return providers.get(record.providerOr(providers.first())).bootLog(record.instanceId(), BOOT_LOG_LINES);
        } catch (ProviderException | RuntimeException e) {
            return List.of(); // the error is about the server's health; a log that cannot be had only leaves it shorter
        }
    }

    /** Reboots a joined server that its role says is stuck, if its provider can; a failure to do so is only reported. */
    private void unstick(ClusterRole role, ServerRecord record, List<ServerRecord> live) throws InterruptedException {
        Providers providers = settings.providers();
        try {
            Optional<String> stuck = role.stuck(record, live);
            String provider = record.providerOr(providers.first());
            if (stuck.isPresent() && providers.capabilities(provider).contains(io.drover.spi.Capability.REBOOT)
                    && providers.get(provider).reboot(record.instanceId())) {
                settings.events().emit(new Event.Progress(record.resource(), "restarted " + record.name() + ": " + stuck.get()));
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Waiting still ends the stall, only later: say why the shortcut was not taken, and go on waiting.
            settings.events().emit(new Event.Note(record.resource(), "could not restart " + record.name() + ": " + Failures.message(e)));
        }
    }

    /** How many of a server's last log lines an error quotes. */
    static final int BOOT_LOG_LINES = 8;

    void awaitPort(String ip, int port, Duration timeout) throws Exception {
        Optional<Boolean> answered = Retry.until(timeout, new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), Backoff.Jitter.NONE))
                .withTime(settings.clock(), settings.sleeper())
                .poll(() -> HealthProbe.answers(ip, port, Duration.ofMillis(200)) ? Optional.of(true) : Optional.empty());
        if (answered.isEmpty()) {
            throw new ProviderException("nothing answers on " + ip + ":" + port + " after " + timeout.toSeconds() + " s");
        }
    }
}
