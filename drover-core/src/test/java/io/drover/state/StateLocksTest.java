package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Waiting for the lock, with time injected: a holder that goes away, one that does not, one that changes. */
class StateLocksTest {
    /** A store whose lock is refused {@code refusals} times, by the holders given in turn. */
    private static final class BusyStore implements StateStore {
        private final List<LockInfo> holders;
        int attempts;

        BusyStore(List<LockInfo> holders) {
            this.holders = holders;
        }

        @Override
        public StateLock lock(String operation) throws StateException {
            if (attempts < holders.size()) {
                throw new LockHeldException("here", holders.get(attempts++));
            }
            attempts++;
            return () -> {};
        }

        @Override
        public Optional<State> read() {
            return Optional.empty();
        }

        @Override
        public void write(State next, StateVersion expected) {}

        @Override
        public String describe() {
            return "here";
        }
    }

    private static final class FakeTicker implements StateLocks.Ticker {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            now += d.toNanos();
        }
    }

    private static LockInfo holder(String id) {
        return new LockInfo(id, "apply", "ann", "box", 42, Instant.EPOCH);
    }

    @Test
    void waitsWhileHeldAndTellsWhoHoldsItOncePerHolder() throws Exception {
        BusyStore store = new BusyStore(List.of(holder("a"), holder("a"), holder("a"), holder("b")));
        List<String> told = new ArrayList<>();
        FakeTicker ticker = new FakeTicker();

        StateLocks.acquire(store, "apply", Duration.ofSeconds(10), h -> told.add(h.id()), ticker);

        assertThat(told).containsExactly("a", "b");
        assertThat(store.attempts).isEqualTo(5);
        assertThat(ticker.now).isEqualTo(Duration.ofMillis(1000).toNanos());
    }

    @Test
    void givesUpAfterTheTimeoutWithTheHoldersName() {
        List<LockInfo> forever = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            forever.add(holder("a"));
        }
        FakeTicker ticker = new FakeTicker();
        assertThatThrownBy(() -> StateLocks.acquire(new BusyStore(forever), "apply", Duration.ofSeconds(2), h -> {}, ticker))
                .isInstanceOf(LockHeldException.class).hasMessageContaining("pid 42");
        assertThat(ticker.now).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void zeroTimeoutRefusesAtOnce() {
        FakeTicker ticker = new FakeTicker();
        assertThatThrownBy(() -> StateLocks.acquire(new BusyStore(List.of(holder("a"))), "apply", Duration.ZERO, h -> {}, ticker))
                .isInstanceOf(LockHeldException.class);
        assertThat(ticker.now).isZero();
    }
}
