package io.drover.apply;

import io.drover.spi.Capability;
import io.drover.spi.Limits;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The herd's providers by name, opened when first used. */
public interface Providers {
    /** The provider of this name; {@code null} is the herd's first provider. */
    Provider get(String name) throws ProviderException;

    /** Every provider the herd declares, by name, in the order declared. */
    List<String> names();

    /** The name of the herd's first provider (where records written before named providers live). */
    default String first() {
        return names().get(0);
    }

    /** What the provider of this name declares it can do ({@link io.drover.spi.ProviderFactory#capabilities()}). */
    Set<Capability> capabilities(String name);

    /** What the provider of this name accepts in tags and user data ({@link io.drover.spi.ProviderFactory#limits()}). */
    default Limits limits(String name) {
        return Limits.NONE;
    }

    /** A herd of one provider (tests, benchmarks) that may do everything a provider can. */
    static Providers of(Provider only) {
        return of(only, EnumSet.allOf(Capability.class));
    }

    /** A herd of one provider (tests, benchmarks) that can do what {@code capabilities} says. */
    static Providers of(Provider only, Set<Capability> capabilities) {
        Set<Capability> declared = Set.copyOf(capabilities);
        return new Providers() {
            @Override
            public Provider get(String name) {
                return only;
            }

            @Override
            public Set<Capability> capabilities(String name) {
                return declared;
            }

            @Override
            public List<String> names() {
                return List.of(io.drover.spi.ProviderContext.DEFAULT_NAME);
            }
        };
    }
}
