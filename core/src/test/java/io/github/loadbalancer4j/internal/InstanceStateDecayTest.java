package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstanceStateDecayTest {

    @Test
    void decayMatchesTheExponentialAtEveryAge() {
        long[] ages = {1, 1_000, 10_000, 1_000_000, 50_000_000, 999_999_999, 1_000_000_000, 1_000_000_001,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.MINUTES.toNanos(5)};

        for (long age : ages) {
            double expected = Math.exp(-(double) age / InstanceState.DECAY_NANOS);

            assertThat(InstanceState.decay(age)).as("decay after %d ns", age).isCloseTo(expected, within(1e-7));
        }
    }

    @Test
    void decayIsWithinTenBillionthsOfTheExponentialAcrossTheTablesAndBeyond() {
        SplittableRandom random = new SplittableRandom(7);
        long[] edges = {(1L << 20) - 1, 1L << 20, (1L << 29) - 1, 1L << 29, (1024L << 29) - 1, 1024L << 29,
                (1024L << 29) + 1, TimeUnit.HOURS.toNanos(3)};
        for (long age : edges) {
            assertRelativeError(age);
        }
        for (int i = 0; i < 100_000; i++) {
            // log-uniform from 1 ns to ~1,100 s, so every table row and the exp range are hit
            assertRelativeError((long) Math.pow(2, random.nextDouble() * 40));
        }
    }

    private static void assertRelativeError(long age) {
        double expected = Math.exp(-(double) age / InstanceState.DECAY_NANOS);
        double actual = InstanceState.decay(age);
        if (expected == 0.0) { // beyond ~2 hours the weight underflows
            assertThat(actual).as("decay after %d ns", age).isZero();
            return;
        }
        assertThat(Math.abs(actual - expected) / expected).as("relative error of decay after %d ns", age).isLessThan(1e-8);
    }

    @Test
    void aCostRecordedNowOrLaterIsNotDecayed() {
        assertThat(InstanceState.decay(0)).isEqualTo(1.0);
        assertThat(InstanceState.decay(-5_000_000)).isEqualTo(1.0);
    }
}
