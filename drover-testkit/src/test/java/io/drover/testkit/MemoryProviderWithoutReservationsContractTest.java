package io.drover.testkit;

import java.util.EnumSet;
import java.util.Set;

/** The contract for a memory cloud that cannot reserve addresses, as some clouds cannot. */
class MemoryProviderWithoutReservationsContractTest extends MemoryProviderContractTest {
    @Override
    MemoryCloud cloud() {
        return MemoryCloud.builder().withoutReservations().build();
    }
}
