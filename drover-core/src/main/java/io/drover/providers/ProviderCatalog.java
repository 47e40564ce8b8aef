package io.drover.providers;

import io.drover.spi.ProviderFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The providers on the class path, found through {@link ServiceLoader}: adding one touches no engine code. */
public final class ProviderCatalog {
    private final Map<String, ProviderFactory> byType;

    public ProviderCatalog(Collection<ProviderFactory> factories) {
        Map<String, ProviderFactory> map = new TreeMap<>();
        for (ProviderFactory f : factories) {
            map.put(f.type(), f);
        }
        this.byType = Map.copyOf(map);
    }

    public static ProviderCatalog fromClassPath() {
        return new ProviderCatalog(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    public Optional<ProviderFactory> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public List<ProviderFactory> all() {
        return List.copyOf(new TreeMap<>(byType).values());
    }
}
