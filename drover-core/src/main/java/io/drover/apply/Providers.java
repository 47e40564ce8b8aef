package io.drover.apply;

import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import java.util.List;

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

    /** A herd of one provider (tests, benchmarks). */
    static Providers of(Provider only) {
        return new Providers() {
            @Override
            public Provider get(String name) {
                return only;
            }

            @Override
            public List<String> names() {
                return List.of(io.drover.spi.ProviderContext.DEFAULT_NAME);
            }
        };
    }
}
