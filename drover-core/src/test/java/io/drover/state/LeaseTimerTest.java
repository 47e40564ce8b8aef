package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leader's own judgement of its lease, on virtual monotonic time. */
class LeaseTimerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LeaseTimer timer = new LeaseTimer(now.get(), Duration.ofSeconds(3), Duration.ofSeconds(1), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void anActionMayStartWhileMoreThanTheMarginOfLeaseIsLeft() {
        advance(Duration.ofMillis(1900));
        assertThatCode(timer::ensureSafe).doesNotThrowAnyException();
        assertThat(timer.left()).isEqualTo(Duration.ofMillis(1100));
    }

    @Test
    void anActionPastTheSafeMarginIsNotStartedAndTheTermStaysOver() {
        advance(Duration.ofMillis(2100));
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class).hasMessageContaining("under the safety margin");
        timer.renewed(now.get(), Duration.ofSeconds(3)); // a late renewal does not bring the term back
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class);
    }

    @Test
    void aRenewalCountsFromWhenItWasSentNotWhenItWasAnswered() {
        long sent = now.get();
        advance(Duration.ofMillis(1500)); // the answer took 1.5 s
        timer.renewed(sent, Duration.ofSeconds(3));
        advance(Duration.ofMillis(600)); // 2.1 s after sending: 0.9 s left by the sender's count, under the margin
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class);
    }

    @Test
    void regularRenewalsKeepTheTermForever() {
        for (int i = 0; i < 100; i++) {
            advance(Duration.ofSeconds(1));
            timer.renewed(now.get(), Duration.ofSeconds(3));
            assertThatCode(timer::ensureSafe).doesNotThrowAnyException();
        }
    }

    @Test
    void aLeaderPausedForLongerThanItsLeaseWakesUpDeposedWhateverItsRenewerSaysNext() {
        advance(Duration.ofSeconds(6)); // SIGSTOP for twice the lease
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class).hasMessageContaining("may have expired");
        timer.renewed(now.get(), Duration.ofSeconds(3));
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class);
    }

    @Test
    void aLeaseDeclaredLostIsLostAtOnce() {
        timer.lost("etcd says the leader lease has expired");
        assertThatThrownBy(timer::ensureSafe).isInstanceOf(LeadershipLostException.class).hasMessage("etcd says the leader lease has expired");
    }
}
