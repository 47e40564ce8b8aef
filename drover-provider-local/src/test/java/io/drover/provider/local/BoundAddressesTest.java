package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoundAddressesTest {
    /** A /proc/net/tcp: 127.0.43.1 listens, 127.0.43.2 has a connection, 127.0.43.3 only a TIME_WAIT (a killed server's). */
    private static final List<String> TABLE = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 012B007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0",
            "   1: 022B007F:094B 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1",
            "   2: 032B007F:094C 0100007F:A1B3 06 00000000:00000000 03:00000F9E 00000000     0        0 0 3 0000000000000000");

    @Test
    void everySocketCountsForANewServer() {
        assertThat(BoundAddresses.parse(TABLE)).containsExactlyInAnyOrder("127.0.43.1", "127.0.43.2", "127.0.43.3");
    }

    @Test
    void onlyListeningAndConnectedSocketsKeepASuccessorOffItsPredecessorsAddress() {
        assertThat(BoundAddresses.parse(TABLE, true)).containsExactlyInAnyOrder("127.0.43.1", "127.0.43.2");
    }
}
