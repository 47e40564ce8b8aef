package io.drover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void anExceptionWithAMessageIsDescribedByItsMessage() {
        assertThat(Failures.message(new IllegalStateException("the disk is full"))).isEqualTo("the disk is full");
    }

    @Test
    void anExceptionWithNoMessageIsDescribedByItsType() {
        assertThat(Failures.message(new TimeoutException())).isEqualTo("TimeoutException");
        assertThat(Failures.message(new IllegalStateException(" "))).isEqualTo("IllegalStateException");
    }
}
