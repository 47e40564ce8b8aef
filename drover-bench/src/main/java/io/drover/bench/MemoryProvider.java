package io.drover.bench;

import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider whose servers exist only in memory: refresh answers at once, so benchmarks measure the engine. */
final class MemoryProvider implements Provider {
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    @Override
    public Image resolveImage(String reference) {
        return new Image(reference, reference, "sha256:" + Integer.toHexString(reference.hashCode()));
    }

    @Override
    public Instance create(LaunchRequest request) throws ProviderException {
        int n = next.getAndIncrement();
        String ip = "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
        request.userData().render(new Endpoint(request.name(), ip));
        Instance i = new Instance("m-" + n, request.name(), ip, Instance.Status.RUNNING, request.tags(), Instant.now());
        instances.put(i.id(), i);
        return i;
    }

    /** Puts a server in place directly, as if created earlier. */
    void put(Instance instance) {
        instances.put(instance.id(), instance);
    }

    @Override
    public List<Instance> list() {
        return new ArrayList<>(instances.values());
    }

    @Override
    public void destroy(String instanceId) {
        instances.remove(instanceId);
    }
}
