package io.drover.testkit;

import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A session of one herd with a {@link MemoryCloud}: the in-memory provider of engine tests and benchmarks. It sees
 * only its herd's servers, reservations and clusters; tests reach behind its back through {@link #cloud()}.
 */
public final class MemoryProvider implements Provider {
    private final MemoryCloud cloud;
    private final String herd;

    public MemoryProvider(MemoryCloud cloud, String herd) {
        this.cloud = Objects.requireNonNull(cloud, "cloud");
        this.herd = Objects.requireNonNull(herd, "herd");
    }

    /** A session of {@code herd} with a cloud of its own, with the defaults of {@link MemoryCloud#create()}. */
    public static MemoryProvider of(String herd) {
        return MemoryCloud.create().open(herd);
    }

    public MemoryCloud cloud() {
        return cloud;
    }

    public String herd() {
        return herd;
    }

    @Override
    public Image resolveImage(io.drover.spi.ImageSource source) throws ProviderException {
        return cloud.resolveImage(source);
    }

    @Override
    public Instance create(LaunchRequest request) throws ProviderException {
        return cloud.create(herd, request);
    }

    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags) throws ProviderException {
        return cloud.reserve(herd, name);
    }

    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags, io.drover.spi.Placement placement)
            throws ProviderException {
        return cloud.reserve(herd, name, placement);
    }

    @Override
    public void release(String name) throws ProviderException {
        cloud.release(herd, name);
    }

    @Override
    public void sweep(Set<String> keep) throws ProviderException {
        cloud.sweep(herd, Set.copyOf(keep));
    }

    @Override
    public List<Instance> list() throws ProviderException {
        return cloud.list(herd);
    }

    @Override
    public void destroy(String instanceId) throws ProviderException {
        cloud.destroy(herd, instanceId);
    }

    @Override
    public List<String> bootLog(String instanceId, int lines) {
        return cloud.bootLog(herd, instanceId, lines);
    }

    @Override
    public boolean reboot(String instanceId) throws ProviderException {
        cloud.reboot(herd, instanceId);
        return true;
    }

    @Override
    public void ensureCluster(ClusterRequest request) throws ProviderException {
        cloud.ensureCluster(herd, request);
    }

    @Override
    public void destroyCluster(String cluster) throws ProviderException {
        cloud.destroyCluster(herd, cluster);
    }

    @Override
    public Optional<io.drover.spi.LoadBalancers> loadBalancers() {
        return Optional.of(cloud.loadBalancers().session(herd));
    }

    @Override
    public List<String> listClusters() throws ProviderException {
        return cloud.listClusters(herd);
    }
}
