package io.drover.apply;

import io.drover.health.HealthProbe;
import io.drover.retry.Backoff;
import io.drover.retry.Retry;
import io.drover.retry.Sleeper;
import io.drover.roles.ClusterRole;
import io.drover.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link Applier} works with: the herd's providers, the state, the roles and dependencies of its clusters,
 * how to render user data and probe health, and time. Immutable; made with {@link #builder()}.
 */
public final class ApplySettings {
    /**
     * How often a provider call that failed retryably (a timeout, a 503 the provider's own client gave up on, a create
     * of the same name still under way) is tried, in all, before its step fails. The SPI makes these calls idempotent
     * (a create adopts or rebuilds a server of its name, a destroy of a gone server is fine), so a retry never
     * duplicates anything. Jittered, so that steps that failed together do not retry together.
     */
    static final int PROVIDER_ATTEMPTS = 4;
    static final Backoff PROVIDER_BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8)).withJitter();

    private final Providers providers;
    private final StateKeeper keeper;
    private final EventSink events;
    private final Map<String, ClusterRole> roles;
    private final Map<String, List<String>> dependsOn;
    private final Launcher launcher;
    private final HealthProbe health;
    private final int parallelism;
    private final boolean wholeCluster;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Retry providerRetry;
    private final Map<String, Predecessor> predecessors;

    private ApplySettings(Builder b) {
        this.providers = Objects.requireNonNull(b.providers, "providers");
        this.keeper = Objects.requireNonNull(b.keeper, "keeper");
        this.events = b.events;
        this.roles = Map.copyOf(b.roles);
        this.dependsOn = Map.copyOf(b.dependsOn);
        this.launcher = Objects.requireNonNull(b.launcher, "launcher");
        this.health = Objects.requireNonNull(b.health, "health");
        this.parallelism = b.parallelism;
        this.wholeCluster = b.wholeCluster;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.providerRetry = Retry.attempts(PROVIDER_ATTEMPTS, PROVIDER_BACKOFF).withTime(clock, sleeper);
        this.predecessors = b.predecessors.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Predecessor::resource, p -> p));
    }

    public static Builder builder() {
        return new Builder();
    }

    Providers providers() {
        return providers;
    }

    StateKeeper keeper() {
        return keeper;
    }

    EventSink events() {
        return events;
    }

    /** The role of a cluster; plain for a cluster the herd does not (or no longer) declare. */
    ClusterRole role(String cluster) {
        return roles.getOrDefault(cluster, ClusterRole.PLAIN);
    }

    Map<String, List<String>> dependsOn() {
        return dependsOn;
    }

    Launcher launcher() {
        return launcher;
    }

    HealthProbe health() {
        return health;
    }

    int parallelism() {
        return parallelism;
    }

    boolean wholeCluster() {
        return wholeCluster;
    }

    Clock clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    /** Destroyed servers, no longer recorded, that the new servers of their slots succeed. */
    java.util.Collection<Predecessor> predecessors() {
        return predecessors.values();
    }

    /** The destroyed server the slot's next server succeeds, if one was given. */
    java.util.Optional<Predecessor> predecessor(String resource) {
        return java.util.Optional.ofNullable(predecessors.get(resource));
    }

    /** A provider call, tried again after retryable failures (see {@link #PROVIDER_ATTEMPTS}); the last failure is thrown. */
    <T> T retrying(Retry.Attempt<T, ProviderException> call) throws ProviderException, InterruptedException {
        return providerRetry.call(call, ProviderException::retryable);
    }

    /** Collects the settings; providers, keeper, launcher and health are required, the rest have defaults. */
    public static final class Builder {
        private Providers providers;
        private StateKeeper keeper;
        private EventSink events = EventSink.NONE;
        private Map<String, ClusterRole> roles = Map.of();
        private Map<String, List<String>> dependsOn = Map.of();
        private Launcher launcher;
        private HealthProbe health;
        private int parallelism = 10;
        private boolean wholeCluster = true;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private List<Predecessor> predecessors = List.of();

        private Builder() {}

        /** Destroyed servers the state no longer records whose slots' new servers succeed them (one per slot). */
        public Builder predecessors(List<Predecessor> value) {
            predecessors = List.copyOf(value);
            return this;
        }

        public Builder providers(Providers value) {
            providers = value;
            return this;
        }

        /** The state, written through after every step. */
        public Builder keeper(StateKeeper value) {
            keeper = value;
            return this;
        }

        public Builder events(EventSink value) {
            events = value;
            return this;
        }

        /** Each cluster's role; a cluster not in the map is plain. */
        public Builder roles(Map<String, ClusterRole> value) {
            roles = value;
            return this;
        }

        /** Each cluster's dependencies (from the herd file): their steps come first, and last on destroy. */
        public Builder dependsOn(Map<String, List<String>> value) {
            dependsOn = value;
            return this;
        }

        public Builder launcher(Launcher value) {
            launcher = value;
            return this;
        }

        public Builder health(HealthProbe value) {
            health = value;
            return this;
        }

        /** How many steps run at once. */
        public Builder parallelism(int value) {
            parallelism = value;
            return this;
        }

        /**
         * The last step of a changed etcd cluster waits until every recorded member is healthy, not only the ones this
         * apply made (the default); heal turns this off, so one slow member does not hold up its next pass.
         */
        public Builder wholeCluster(boolean value) {
            wholeCluster = value;
            return this;
        }

        /** Time, injected so that tests need not wait. */
        public Builder time(Clock newClock, Sleeper newSleeper) {
            clock = newClock;
            sleeper = newSleeper;
            return this;
        }

        public ApplySettings build() {
            return new ApplySettings(this);
        }
    }
}
