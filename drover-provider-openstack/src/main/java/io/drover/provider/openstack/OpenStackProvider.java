package io.drover.provider.openstack;

import io.drover.provider.openstack.client.CloudConfig;
import io.drover.provider.openstack.client.CloudConfigLoader;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.provider.openstack.client.OpenStackException;
import io.drover.retry.Sleeper;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session with one OpenStack cloud for one herd. Errors of the client ({@link OpenStackException}) become
 * {@link ProviderException}s with the same user-facing message and retryability.
 */
public final class OpenStackProvider implements Provider {
    static final java.time.Duration REFRESH_INTERVAL = java.time.Duration.ofSeconds(1);

    private final OpenStackClient client;
    private final ServerLifecycle servers;
    private final ClusterResources clusters;
    private final ImageResolver images;
    private final OctaviaLoadBalancers loadBalancers;

    OpenStackProvider(String herd, OpenStackClient client, OpenStackSettings settings, Clock clock, Sleeper sleeper) {
        this.client = client;
        Poller poller = new Poller(clock, sleeper);
        this.servers = new ServerLifecycle(herd, client, settings, poller);
        this.clusters = new ClusterResources(herd, client, settings, poller);
        this.images = new ImageResolver(client);
        this.loadBalancers = new OctaviaLoadBalancers(herd, client, settings,
                new Poller(clock, sleeper, OctaviaLoadBalancers.PAUSES), settings.bootTimeout(), clock);
    }

    /** Connects to the cloud the context's settings and environment name, checking the credentials at once. */
    static OpenStackProvider open(ProviderContext context) throws ProviderException {
        OpenStackSettings settings = OpenStackSettings.from(context);
        OpenStackClient client = null;
        try {
            CloudConfig config = CloudConfigLoader.standard(context.environment(), Path.of("").toAbsolutePath())
                    .load(settings.cloud());
            if (settings.region() != null) {
                config = config.withRegion(settings.region());
            }
            client = OpenStackClient.connect(config);
            client.session().token(); // fail now, with a clear message, if the credentials are wrong
            return new OpenStackProvider(context.herd(), client, settings, Clock.systemUTC(), Sleeper.SYSTEM);
        } catch (OpenStackException e) {
            if (client != null) {
                client.close();
            }
            throw new ProviderException(e.getMessage(), e.retryable(), e);
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    @Override
    public Image resolveImage(io.drover.spi.ImageSource source) throws ProviderException {
        return guard(() -> images.resolve(source));
    }

    @Override
    public Instance create(LaunchRequest request) throws ProviderException {
        return guard(() -> servers.create(request));
    }

    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags) throws ProviderException {
        return reserve(cluster, name, tags, io.drover.spi.Placement.ANY);
    }

    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags, io.drover.spi.Placement placement)
            throws ProviderException {
        return Optional.of(guard(() -> servers.reserve(cluster, name, placement.preferredAddress())));
    }

    @Override
    public void sweep(java.util.Set<String> keep) throws ProviderException {
        guard(() -> {
            servers.sweep(keep);
            return null;
        });
    }

    @Override
    public void release(String name) throws ProviderException {
        guard(() -> {
            servers.release(name);
            return null;
        });
    }

    @Override
    public List<Instance> list() throws ProviderException {
        return guard(servers::list);
    }

    /** One list request a second: a herd's steady heal passes stay near one API request a second (images are cached). */
    @Override
    public java.time.Duration refreshInterval() {
        return REFRESH_INTERVAL;
    }

    @Override
    public void destroy(String instanceId) throws ProviderException {
        guard(() -> {
            servers.destroy(instanceId);
            return null;
        });
    }

    @Override
    public void ensureCluster(ClusterRequest request) throws ProviderException {
        guard(() -> {
            clusters.ensure(request);
            return null;
        });
    }

    @Override
    public void destroyCluster(String cluster) throws ProviderException {
        guard(() -> {
            clusters.destroy(cluster);
            return null;
        });
    }

    @Override
    public List<String> listClusters() throws ProviderException {
        return guard(clusters::list);
    }

    /** Octavia's, when the cloud's catalog has a load-balancer service. */
    @Override
    public Optional<io.drover.spi.LoadBalancers> loadBalancers() {
        boolean octavia = client.session().token().catalog().endpoints().stream().anyMatch(e -> "load-balancer".equals(e.serviceType()));
        return octavia ? Optional.of(loadBalancers) : Optional.empty();
    }

    @Override
    public void close() {
        client.close();
    }

    @FunctionalInterface
    interface Action<T> {
        T run() throws ProviderException;
    }

    static <T> T guard(Action<T> action) throws ProviderException {
        try {
            return action.run();
        } catch (OpenStackException e) {
            throw new ProviderException(e.getMessage(), e.retryable(), e);
        }
    }
}
