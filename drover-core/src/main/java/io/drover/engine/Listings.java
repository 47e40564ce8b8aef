package io.drover.engine;

import io.drover.spi.Instance;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists every server of a herd on every provider. A recent listing may be reused, within each provider's
 * {@link Provider#refreshInterval()}: heal's passes, several a second, stay within a cloud's request budget.
 */
final class Listings {
    private final HerdProviders providers;
    private final Clock clock;
    /** Each provider's last listing; forgotten when the engine changes servers. */
    private final Map<String, Listed> listed = new HashMap<>();

    private record Listed(List<Instance> instances, Instant at) {}

    Listings(HerdProviders providers, Clock clock) {
        this.providers = providers;
        this.clock = clock;
    }

    /** Asks every provider. */
    Engine.Listing fresh() throws ProviderException {
        return list(false);
    }

    /** Reuses a provider's last listing if it is younger than the provider's refresh interval. */
    Engine.Listing recent() throws ProviderException {
        return list(true);
    }

    /** Servers are about to change: the next listing must see them as they are. */
    void forget() {
        synchronized (listed) {
            listed.clear();
        }
    }

    private Engine.Listing list(boolean recent) throws ProviderException {
        List<Instance> all = new ArrayList<>();
        Map<String, String> providerOf = new HashMap<>();
        for (String name : providers.names()) {
            List<Instance> found;
            try {
                found = listOne(name, recent);
            } catch (ProviderException e) {
                throw providers.named(name, e);
            }
            for (Instance i : found) {
                String other = providerOf.putIfAbsent(i.id(), name);
                if (other != null) {
                    throw new ProviderException("providers '" + other + "' and '" + name + "' both list server " + i.name()
                            + ": two providers of one herd must not share their servers (give them different 'root' settings)");
                }
                all.add(i);
            }
        }
        return new Engine.Listing(all, providerOf);
    }

    private List<Instance> listOne(String name, boolean recent) throws ProviderException {
        Provider provider = providers.get(name);
        Instant now = clock.instant();
        Listed last;
        synchronized (listed) {
            last = listed.get(name);
        }
        if (recent && last != null && now.isBefore(last.at().plus(provider.refreshInterval()))) {
            return last.instances();
        }
        List<Instance> found = List.copyOf(provider.list());
        synchronized (listed) {
            listed.put(name, new Listed(found, now));
        }
        return found;
    }
}
