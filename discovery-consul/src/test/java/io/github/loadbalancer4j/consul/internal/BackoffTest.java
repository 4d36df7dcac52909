package io.github.loadbalancer4j.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void ceilingDoublesUpToTheMaxAndWaitsAreBetweenHalfAndAllOfIt() {
        Backoff low = new Backoff(SECOND, 8 * SECOND, () -> 0.0);
        Backoff high = new Backoff(SECOND, 8 * SECOND, () -> 0.999_999_999);

        long[] lows = new long[6];
        long[] highs = new long[6];
        for (int i = 0; i < 6; i++) {
            lows[i] = low.nextDelayNanos();
            highs[i] = high.nextDelayNanos();
        }

        assertThat(lows).containsExactly(SECOND / 2, SECOND, 2 * SECOND, 4 * SECOND, 4 * SECOND, 4 * SECOND);
        assertThat(highs).doesNotContain(0L);
        assertThat(java.util.Arrays.stream(highs).max().getAsLong()).isLessThanOrEqualTo(8 * SECOND);
        assertThat(highs[0]).isCloseTo(SECOND, org.assertj.core.data.Offset.offset(10L));
        assertThat(highs[5]).isCloseTo(8 * SECOND, org.assertj.core.data.Offset.offset(10L));
    }

    @Test
    void resetStartsFromTheInitialWaitAgain() {
        Backoff backoff = new Backoff(SECOND, 60 * SECOND, () -> 0.0);
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayNanos();
        }

        backoff.reset();

        assertThat(backoff.nextDelayNanos()).isEqualTo(SECOND / 2);
        assertThat(backoff.failures()).isEqualTo(1);
    }

    @Test
    void manyFailuresDoNotOverflow() {
        Backoff backoff = new Backoff(SECOND, Long.MAX_VALUE, () -> 0.5);

        for (int i = 0; i < 200; i++) {
            assertThat(backoff.nextDelayNanos()).isPositive();
        }
    }
}
