package io.drover.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.apply.Predecessor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreJournalTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void eachSlotsNewestOldServerIsThePredecessorWithItsAddress() {
        Restorer.Journal journal = new Restorer.Journal("s1", T, List.of("etcd-0-1", "etcd-0-3", "etcd-1-2", "etcd-2-1"),
                Map.of("etcd-0-1", "127.0.195.9", "etcd-0-3", "127.0.195.1", "etcd-1-2", "127.0.195.2", "etcd-2-1", "127.0.195.3"));

        assertThat(journal.predecessors("etcd")).containsExactly(new Predecessor("etcd[0]", 3, "127.0.195.1"),
                new Predecessor("etcd[1]", 2, "127.0.195.2"), new Predecessor("etcd[2]", 1, "127.0.195.3"));
    }

    @Test
    void aRecordWithoutAddressesStillNamesTheNewServersAboveTheOldOnes() {
        Restorer.Journal written = new Restorer.Journal("s1", T, List.of("etcd-0-4", "other-0-7"), Map.of());

        assertThat(written.predecessors("etcd")).containsExactly(new Predecessor("etcd[0]", 4, null));
    }
}
