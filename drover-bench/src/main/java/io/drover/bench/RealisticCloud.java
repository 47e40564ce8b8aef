package io.drover.bench;

import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory cloud behind what a real cloud API costs: every call takes {@code latency}, a share of them fail
 * retryably (as a 503 would), and calls beyond {@code budget} per second wait for the next second (as a client
 * throttled by 429s would). It counts the calls, so a benchmark can compare the rate with the budget.
 */
final class RealisticCloud implements ProviderFactory {
    private final ProviderFactory inner;
    private final Duration latency;
    private final double failures;
    private final int budget;
    private final AtomicLong calls = new AtomicLong();
    private long window;
    private int inWindow;

    RealisticCloud(ProviderFactory inner, Duration latency, double failures, int budget) {
        this.inner = inner;
        this.latency = latency;
        this.failures = failures;
        this.budget = budget;
    }

    long calls() {
        return calls.get();
    }

    int budget() {
        return budget;
    }

    /** One API request: waits for room in the budget, takes the latency, fails retryably now and then. */
    private void request(String what) throws ProviderException {
        synchronized (this) {
            long second = System.nanoTime() / 1_000_000_000L;
            while (true) {
                if (second != window) {
                    window = second;
                    inWindow = 0;
                }
                if (inWindow < budget) {
                    inWindow++;
                    break;
                }
                try {
                    Thread.sleep(Math.max(1, 1000 - (System.nanoTime() / 1_000_000L) % 1000)); // throttled: a real client backs off
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException("interrupted", true, e);
                }
                second = System.nanoTime() / 1_000_000_000L;
            }
        }
        calls.incrementAndGet();
        try {
            Thread.sleep(latency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted", true, e);
        }
        if (ThreadLocalRandom.current().nextDouble() < failures) {
            throw new ProviderException(what + ": 503 Service Unavailable (simulated)", true, null);
        }
    }

    @Override
    public String type() {
        return inner.type();
    }

    @Override
    public String description() {
        return "the memory cloud with a real cloud's latency, budget and failures";
    }

    @Override
    public List<Setting> settings() {
        return inner.settings();
    }

    @Override
    public java.util.Set<io.drover.spi.Capability> capabilities() {
        return inner.capabilities(); // the engine asks only for what the wrapped cloud declares
    }

    @Override
    public io.drover.spi.Limits limits() {
        return inner.limits();
    }

    @Override
    public Provider open(ProviderContext context) throws ProviderException {
        Provider p = inner.open(context);
        return new Provider() {
            @Override
            public Image resolveImage(io.drover.spi.ImageSource source) throws ProviderException {
                request("resolve image");
                return p.resolveImage(source);
            }

            @Override
            public Instance create(LaunchRequest request) throws ProviderException {
                request("create");
                return p.create(request);
            }

            @Override
            public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags) throws ProviderException {
                return p.reserve(cluster, name, tags);
            }

            @Override
            public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags, io.drover.spi.Placement placement)
                    throws ProviderException {
                return p.reserve(cluster, name, tags, placement);
            }

            @Override
            public void release(String name) throws ProviderException {
                p.release(name);
            }

            @Override
            public void sweep(Set<String> keep) throws ProviderException {
                p.sweep(keep);
            }

            @Override
            public List<Instance> list() throws ProviderException {
                request("list");
                return p.list();
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(1); // as the OpenStack provider: a listing is good enough for a second
            }

            @Override
            public void destroy(String instanceId) throws ProviderException {
                request("destroy");
                p.destroy(instanceId);
            }

            @Override
            public void ensureCluster(ClusterRequest request) throws ProviderException {
                p.ensureCluster(request);
            }

            @Override
            public void destroyCluster(String cluster) throws ProviderException {
                p.destroyCluster(cluster);
            }

            @Override
            public List<String> listClusters() throws ProviderException {
                return p.listClusters();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}
